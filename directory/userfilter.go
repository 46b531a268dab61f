package directory

import (
	"fmt"
	"hash/maphash"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// UserFilterOptions configures a UserFilter. The values come from gromox.cfg
// (userfilter_icase, userfilter_maxbans, userfilter_maxusers,
// userfilter_rl_maxtries, userfilter_rl_window, auth_times, auth_host_times,
// block_interval_auths). The zero value disables every mechanism.
type UserFilterOptions struct {
	ICase bool // compare login names case-insensitively

	// MaxBans bounds the per-user failure list (users with recent failures
	// and banned users). 0 disables per-user bans.
	MaxBans int
	// MaxUsers bounds the number of users the rate limiter tracks. 0
	// disables rate limiting.
	MaxUsers int
	// RLMaxTries attempts (successful or not) are allowed per user in each
	// RLWindow, counted from the first attempt of the window.
	RLMaxTries int
	RLWindow   time.Duration

	// AuthTimes failed logins of one user within BlockInterval ban that
	// user for BlockInterval. 0 disables per-user bans.
	AuthTimes int
	// HostTimes failed logins from one remote address (an IPv6 /64) within
	// BlockInterval ban that address for BlockInterval. 0 disables it.
	HostTimes     int
	BlockInterval time.Duration
}

// DefaultUserFilterOptions returns upstream's defaults (doc/user_filter.4gx,
// doc/http.8gx, doc/imap.8gx). HostTimes has no upstream counterpart; the
// default allows a NAT gateway with several users a few failures each.
func DefaultUserFilterOptions() UserFilterOptions {
	return UserFilterOptions{
		ICase:         true,
		MaxBans:       1000,
		MaxUsers:      0,
		RLMaxTries:    10,
		RLWindow:      time.Minute,
		AuthTimes:     10,
		HostTimes:     50,
		BlockInterval: time.Minute,
	}
}

// hostTableSize bounds the per-address failure list.
const hostTableSize = 16384

// maxFilterKey bounds the memory one login name can take in the filter; no
// address in the user database is longer (varchar(320)).
const maxFilterKey = 320

// UserFilter limits login attempts before they reach the user database: it
// bans users and remote addresses after repeated failures and rate-limits
// all attempts per user. It is safe for concurrent use; every list it keeps
// is bounded and reclaims expired entries.
//
// Callers ask Admit before authenticating, then report the outcome with
// Failed or Succeeded.
type UserFilter struct {
	opt   UserFilterOptions
	users *limitTable[string]     // failures and bans per login; nil if off
	hosts *limitTable[netip.Addr] // failures and bans per address; nil if off
	rl    *limitTable[string]     // attempts per login; nil if off
	now   func() time.Time        // injectable clock
}

// NewUserFilter returns a filter with the given limits.
func NewUserFilter(opt UserFilterOptions) *UserFilter {
	f := &UserFilter{opt: opt, now: time.Now}
	if opt.MaxBans > 0 && opt.BlockInterval > 0 {
		f.users = newLimitTable[string](opt.MaxBans, opt.BlockInterval)
	}
	if opt.HostTimes > 0 && opt.BlockInterval > 0 {
		f.hosts = newLimitTable[netip.Addr](hostTableSize, opt.BlockInterval)
	}
	if opt.MaxUsers > 0 && opt.RLMaxTries > 0 && opt.RLWindow > 0 {
		f.rl = newLimitTable[string](opt.MaxUsers, opt.RLWindow)
	}
	return f
}

func (f *UserFilter) userKey(login string) string {
	if len(login) > maxFilterKey {
		login = login[:maxFilterKey]
	}
	if f.opt.ICase {
		login = strings.ToLower(login)
	}
	return login
}

// hostKey returns the key under which failures from a are counted: the
// address itself for IPv4, its /64 for IPv6 (one site usually holds a whole
// /64). Loopback and invalid addresses are never banned: a local proxy or
// webmail front end speaks for many users.
func hostKey(a netip.Addr) (netip.Addr, bool) {
	a = a.Unmap()
	if !a.IsValid() || a.IsLoopback() || a.IsUnspecified() {
		return netip.Addr{}, false
	}
	if a.Is6() {
		p, err := a.WithZone("").Prefix(64)
		if err != nil {
			return netip.Addr{}, false
		}
		return p.Addr(), true
	}
	return a, true
}

// Admit records an attempt by login from remote and reports whether it may
// go ahead. A refusal is an error wrapping ErrBlocked that says why.
func (f *UserFilter) Admit(login string, remote netip.Addr) error {
	return f.admit(login, remote, f.now())
}

func (f *UserFilter) admit(login string, remote netip.Addr, now time.Time) error {
	key := f.userKey(login)
	if f.users != nil {
		if until, ok := f.users.bannedUntil(key, now); ok {
			return fmt.Errorf("%w: user banned for %v after repeated failures", ErrBlocked, until.Sub(now).Round(time.Second))
		}
	}
	if f.hosts != nil {
		if hk, ok := hostKey(remote); ok {
			if until, ok := f.hosts.bannedUntil(hk, now); ok {
				return fmt.Errorf("%w: address banned for %v after repeated failures", ErrBlocked, until.Sub(now).Round(time.Second))
			}
		}
	}
	if f.rl != nil {
		n := 0
		f.rl.update(key, now, true, func(e *limitEntry) {
			if e.n == 0 {
				e.start = now
			}
			e.n++
			n = e.n
		})
		if n > f.opt.RLMaxTries {
			return fmt.Errorf("%w: rate limit of %d attempts per %v exceeded", ErrBlocked, f.opt.RLMaxTries, f.opt.RLWindow)
		}
	}
	return nil
}

// Failed records a failed login of login from remote and returns the number
// of recent failures of that user or address, whichever is larger (at least
// 1), for the caller to scale its failure delay with. When a count reaches
// its limit the user or address is banned for BlockInterval.
func (f *UserFilter) Failed(login string, remote netip.Addr) int {
	now := f.now()
	n := 1
	if f.users != nil {
		n = max(n, f.users.fail(f.userKey(login), now, f.opt.AuthTimes, f.opt.BlockInterval))
	}
	if f.hosts != nil {
		if hk, ok := hostKey(remote); ok {
			n = max(n, f.hosts.fail(hk, now, f.opt.HostTimes, f.opt.BlockInterval))
		}
	}
	return n
}

// Succeeded records a successful login: the user's failure count starts
// over. Failures counted against the remote address stay.
func (f *UserFilter) Succeeded(login string) {
	if f.users == nil {
		return
	}
	f.users.reset(f.userKey(login), f.now())
}

// tracked reports how many entries the filter's lists hold (for tests).
func (f *UserFilter) tracked() (users, hosts, rl int) {
	if f.users != nil {
		users = int(f.users.size.Load())
	}
	if f.hosts != nil {
		hosts = int(f.hosts.size.Load())
	}
	if f.rl != nil {
		rl = int(f.rl.size.Load())
	}
	return
}

// limitEntry counts events of one key in a window that starts at start,
// and may carry a ban.
type limitEntry struct {
	start time.Time // first event of the current window
	until time.Time // banned until then (zero: not banned)
	n     int       // events in the window
}

const limitShards = 32

// limitTable is a bounded map of limitEntry values, sharded by key hash. An
// entry is dead once its window has passed and its ban (if any) has ended;
// dead entries are reset on access and reclaimed by sweeps. When the table is
// full, new keys are not tracked (replacement policy none, as upstream's
// user_filter documents).
type limitTable[K comparable] struct {
	seed      maphash.Seed
	max       int64
	window    time.Duration
	size      atomic.Int64
	lastSweep atomic.Int64 // unix nanoseconds
	shards    [limitShards]limitShard[K]
}

type limitShard[K comparable] struct {
	mu sync.Mutex
	m  map[K]limitEntry
	_  [48]byte // keep shards on separate cache lines
}

func newLimitTable[K comparable](max int, window time.Duration) *limitTable[K] {
	t := &limitTable[K]{seed: maphash.MakeSeed(), max: int64(max), window: window}
	for i := range t.shards {
		t.shards[i].m = make(map[K]limitEntry)
	}
	return t
}

func (t *limitTable[K]) shard(key K) *limitShard[K] {
	return &t.shards[maphash.Comparable(t.seed, key)%limitShards]
}

func (t *limitTable[K]) dead(e limitEntry, now time.Time) bool {
	return !now.Before(e.until) && now.Sub(e.start) >= t.window
}

// maybeSweep reclaims dead entries of every shard once per window, or more
// often (a sixteenth of the window) while the table is full. It never runs
// with a shard lock held.
func (t *limitTable[K]) maybeSweep(now time.Time) {
	gap := t.window
	if t.size.Load() >= t.max {
		gap /= 16
	}
	last := t.lastSweep.Load()
	if now.UnixNano()-last < int64(gap) || !t.lastSweep.CompareAndSwap(last, now.UnixNano()) {
		return
	}
	for i := range t.shards {
		s := &t.shards[i]
		s.mu.Lock()
		for k, e := range s.m {
			if t.dead(e, now) {
				delete(s.m, k)
				t.size.Add(-1)
			}
		}
		s.mu.Unlock()
	}
}

// update runs fn on the entry of key (a dead entry is reset first). A
// missing key is created only if create is set and the table has room.
func (t *limitTable[K]) update(key K, now time.Time, create bool, fn func(*limitEntry)) bool {
	t.maybeSweep(now)
	s := t.shard(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.m[key]
	if !ok {
		if !create {
			return false
		}
		if t.size.Add(1) > t.max {
			t.size.Add(-1)
			return false
		}
	} else if t.dead(e, now) {
		e = limitEntry{}
	}
	fn(&e)
	s.m[key] = e
	return true
}

// bannedUntil reports whether key is banned at now, and until when.
func (t *limitTable[K]) bannedUntil(key K, now time.Time) (time.Time, bool) {
	s := t.shard(key)
	s.mu.Lock()
	e, ok := s.m[key]
	s.mu.Unlock()
	if ok && now.Before(e.until) {
		return e.until, true
	}
	return time.Time{}, false
}

// fail counts one failure of key; at limit failures within the window the
// key is banned for ban. It returns the failure count (limit when it caused
// a ban; 1 when the key could not be tracked).
func (t *limitTable[K]) fail(key K, now time.Time, limit int, ban time.Duration) int {
	n := 1
	t.update(key, now, true, func(e *limitEntry) {
		if e.n == 0 {
			e.start = now
		}
		e.n++
		n = e.n
		if limit > 0 && e.n >= limit {
			e.until = now.Add(ban)
			e.start = now
			e.n = 0
		}
	})
	return n
}

// reset forgets the failures of key; a running ban stays.
func (t *limitTable[K]) reset(key K, now time.Time) {
	s := t.shard(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.m[key]
	if !ok {
		return
	}
	if now.Before(e.until) {
		e.n = 0
		s.m[key] = e
		return
	}
	delete(s.m, key)
	t.size.Add(-1)
}
