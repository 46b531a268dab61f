package lmtp

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/gromox-go/gromox/directory"
)

// resolveCache remembers, for ttl (upstream's mysql_object_cache_lifetime),
// the recipients the directory resolved: each delivery asks for its
// recipients, and one resolution is a query of a few joins (about 200 µs,
// a tenth of a delivery's CPU on the SQLite directory). Only found
// recipients are remembered: an address that does not exist yet is asked
// again at its next RCPT, so a new user's first mail is not refused. A
// user or list changed in the directory shows within ttl, as with
// upstream's caches. Callers must not change what Resolve returns.
type resolveCache struct {
	inner Resolver
	ttl   time.Duration
	now   func() time.Time

	mu      sync.Mutex
	entries map[string]resolved
}

type resolved struct {
	r       *directory.Recipient
	expires time.Time
}

// maxResolved bounds the addresses remembered; when full, the cache
// starts over.
const maxResolved = 10000

// newResolveCache returns inner behind a cache of ttl, or inner itself
// for a ttl of 0 or less.
func newResolveCache(inner Resolver, ttl time.Duration) Resolver {
	if ttl <= 0 || inner == nil {
		return inner
	}
	return &resolveCache{inner: inner, ttl: ttl, now: time.Now, entries: map[string]resolved{}}
}

func (c *resolveCache) Resolve(ctx context.Context, addr string) (*directory.Recipient, error) {
	key := strings.ToLower(addr)
	now := c.now()
	c.mu.Lock()
	e, ok := c.entries[key]
	c.mu.Unlock()
	if ok && now.Before(e.expires) {
		return e.r, nil
	}
	r, err := c.inner.Resolve(ctx, addr)
	if err != nil || r == nil {
		return r, err
	}
	c.mu.Lock()
	if len(c.entries) >= maxResolved {
		c.entries = map[string]resolved{}
	}
	c.entries[key] = resolved{r: r, expires: now.Add(c.ttl)}
	c.mu.Unlock()
	return r, nil
}
