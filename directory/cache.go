package directory

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultCacheTTL is upstream's mysql_object_cache_lifetime default.
const DefaultCacheTTL = time.Minute

// maxNegativeTTL bounds how long Cached remembers that a login does not exist.
const maxNegativeTTL = 5 * time.Second

// cacheSize bounds the number of logins Cached holds.
const cacheSize = 100000

// flightTimeout bounds one shared database query of Cached; it runs detached
// from the context of the caller that started it.
const flightTimeout = 30 * time.Second

// Cached is a Lookuper that remembers the answers of another one for a TTL
// (upstream's mysql_object_cache_lifetime), keyed by lower-cased login. It
// also remembers, for min(TTL, 5s), that a login does not exist (or is
// ambiguous). Reads take no lock; concurrent misses of one login share one
// query. Directory errors are not cached.
//
// Changes made behind its back (an administrator's tool writing the
// database) show after the TTL; Invalidate and Purge are for changes made
// through this process.
type Cached struct {
	inner  Lookuper
	ttl    time.Duration
	negTTL time.Duration
	max    int64
	now    func() time.Time

	entries   sync.Map // lower-cased login → *cacheEntry
	size      atomic.Int64
	lastSweep atomic.Int64 // unix nanoseconds

	mu      sync.Mutex // serializes writers of entries; guards flights and gen
	flights map[string]*flight
	gen     uint64 // bumped by Invalidate and Purge
}

// cacheEntry is immutable once stored.
type cacheEntry struct {
	user    *User
	err     error
	expires time.Time
}

// flight is one query in progress; user and err are set before done closes.
type flight struct {
	done chan struct{}
	user *User
	err  error
}

// NewCached returns a cache in front of inner. A ttl of 0 or less turns
// caching off (every Lookup goes to inner).
func NewCached(inner Lookuper, ttl time.Duration) *Cached {
	return &Cached{
		inner:   inner,
		ttl:     ttl,
		negTTL:  min(ttl, maxNegativeTTL),
		max:     cacheSize,
		now:     time.Now,
		flights: make(map[string]*flight),
	}
}

// Lookup implements Lookuper. The returned User is the caller's copy.
func (c *Cached) Lookup(ctx context.Context, login string) (*User, error) {
	if c.ttl <= 0 {
		return c.inner.Lookup(ctx, login)
	}
	key := strings.ToLower(login)
	if e := c.live(key); e != nil {
		return e.result()
	}

	c.mu.Lock()
	// A flight may have stored the answer since the check above.
	if e := c.live(key); e != nil {
		c.mu.Unlock()
		return e.result()
	}
	f, ok := c.flights[key]
	if !ok {
		f = &flight{done: make(chan struct{})}
		c.flights[key] = f
		go c.run(context.WithoutCancel(ctx), f, key, login, c.gen)
	}
	c.mu.Unlock()
	select {
	case <-f.done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if f.err != nil {
		return nil, f.err
	}
	return cloneUser(f.user), nil
}

// live returns the unexpired entry of key, or nil.
func (c *Cached) live(key string) *cacheEntry {
	v, ok := c.entries.Load(key)
	if !ok {
		return nil
	}
	if e := v.(*cacheEntry); c.now().Before(e.expires) {
		return e
	}
	return nil
}

func (e *cacheEntry) result() (*User, error) {
	if e.err != nil {
		return nil, e.err
	}
	return cloneUser(e.user), nil
}

// run queries inner for one flight and stores the answer, unless the cache
// was invalidated meanwhile (gen changed).
func (c *Cached) run(ctx context.Context, f *flight, key, login string, gen uint64) {
	defer close(f.done)
	func() {
		defer func() {
			if r := recover(); r != nil {
				f.user, f.err = nil, fmt.Errorf("directory: lookup %q panicked: %v", login, r)
			}
		}()
		qctx, cancel := context.WithTimeout(ctx, flightTimeout)
		defer cancel()
		f.user, f.err = c.inner.Lookup(qctx, login)
	}()

	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.flights, key)
	c.storeLocked(key, gen, f.user, f.err)
}

// refresh looks login up in the wrapped directory, bypassing the cache, and
// caches the answer: for Auth, when a password does not match the cached
// account (it may have changed). Unlike Invalidate it costs one query and
// no scan.
func (c *Cached) refresh(ctx context.Context, login string) (*User, error) {
	if c.ttl <= 0 {
		return c.inner.Lookup(ctx, login)
	}
	c.mu.Lock()
	gen := c.gen
	c.mu.Unlock()
	u, err := c.inner.Lookup(ctx, login)
	c.mu.Lock()
	c.storeLocked(strings.ToLower(login), gen, u, err)
	c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return cloneUser(u), nil
}

// storeLocked caches the answer of a query that started at generation gen,
// unless the cache was invalidated since. Directory errors are not cached.
// c.mu is held.
func (c *Cached) storeLocked(key string, gen uint64, u *User, err error) {
	var ttl time.Duration
	switch {
	case err == nil && u != nil:
		ttl = c.ttl
	case errors.Is(err, ErrNotFound), errors.Is(err, ErrAmbiguous):
		ttl = c.negTTL
	}
	if ttl <= 0 || c.gen != gen {
		return
	}
	now := c.now()
	c.maybeSweep(now)
	if c.size.Load() >= c.max {
		return
	}
	if _, loaded := c.entries.Swap(key, &cacheEntry{user: u, err: err, expires: now.Add(ttl)}); !loaded {
		c.size.Add(1)
	}
}

// maybeSweep drops expired entries once per TTL, or at once when the cache
// is full; if it is still full, it drops arbitrary entries down to 90%.
// c.mu is held.
func (c *Cached) maybeSweep(now time.Time) {
	full := c.size.Load() >= c.max
	if !full && now.UnixNano()-c.lastSweep.Load() < int64(c.ttl) {
		return
	}
	c.lastSweep.Store(now.UnixNano())
	c.entries.Range(func(k, v any) bool {
		if !now.Before(v.(*cacheEntry).expires) && c.entries.CompareAndDelete(k, v) {
			c.size.Add(-1)
		}
		return true
	})
	if c.size.Load() < c.max {
		return
	}
	c.entries.Range(func(k, v any) bool {
		if c.entries.CompareAndDelete(k, v) {
			c.size.Add(-1)
		}
		return c.size.Load() > c.max*9/10
	})
}

// Invalidate drops login from the cache: the entry under that name, and
// every entry whose account has that canonical username (logins through an
// altname or alias). Queries in flight are not stored. It scans the whole
// cache: it is for administrative changes, not for every request.
func (c *Cached) Invalidate(login string) {
	key := strings.ToLower(login)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.entries.Range(func(k, v any) bool {
		e := v.(*cacheEntry)
		if k.(string) == key || e.user != nil && strings.EqualFold(e.user.Username, login) {
			if c.entries.CompareAndDelete(k, v) {
				c.size.Add(-1)
			}
		}
		return true
	})
}

// Purge drops everything.
func (c *Cached) Purge() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.entries.Range(func(k, v any) bool {
		if c.entries.CompareAndDelete(k, v) {
			c.size.Add(-1)
		}
		return true
	})
}

// SetPassword stores a password through the wrapped directory (when it is
// a PasswordSetter) and drops the account from the cache.
func (c *Cached) SetPassword(ctx context.Context, username, password string) error {
	s, ok := c.inner.(PasswordSetter)
	if !ok {
		return fmt.Errorf("directory: %T cannot store passwords: %w", c.inner, errors.ErrUnsupported)
	}
	err := s.SetPassword(ctx, username, password)
	c.Invalidate(username)
	return err
}

// canSetPassword reports whether SetPassword can work.
func (c *Cached) canSetPassword() bool {
	_, ok := c.inner.(PasswordSetter)
	return ok
}

// Len reports the number of cached logins.
func (c *Cached) Len() int { return int(c.size.Load()) }

// cloneUser returns a copy of u that the caller may modify.
func cloneUser(u *User) *User {
	if u == nil {
		return nil
	}
	c := *u
	if u.ExternID != nil {
		c.ExternID = append([]byte{}, u.ExternID...)
	}
	return &c
}
