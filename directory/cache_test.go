package directory

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeDir is an in-memory Lookuper for tests of the caches and Auth's own
// logic; tests of real lookups use the database (forEachBackend).
type fakeDir struct {
	mu      sync.Mutex
	byLogin map[string]*User // lower-cased login → account
	err     error            // returned by every Lookup when set
	gate    chan struct{}    // when set, Lookup waits for it to close
	calls   atomic.Int64
}

func newFakeDir() *fakeDir { return &fakeDir{byLogin: make(map[string]*User)} }

// add files u under its username and the extra logins (altnames, aliases).
func (d *fakeDir) add(u User, logins ...string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	p := &u
	d.byLogin[strings.ToLower(u.Username)] = p
	for _, l := range logins {
		d.byLogin[strings.ToLower(l)] = p
	}
}

func (d *fakeDir) Lookup(ctx context.Context, login string) (*User, error) {
	d.calls.Add(1)
	d.mu.Lock()
	gate := d.gate
	d.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.err != nil {
		return nil, d.err
	}
	u, ok := d.byLogin[strings.ToLower(login)]
	if !ok {
		return nil, fmt.Errorf("lookup %q: %w", login, ErrNotFound)
	}
	c := *u
	return &c, nil
}

func (d *fakeDir) SetPassword(ctx context.Context, username, password string) error {
	h, err := HashPassword(password)
	if err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, u := range d.byLogin {
		if strings.EqualFold(u.Username, username) {
			u.PasswordHash = h
		}
	}
	return nil
}

func (d *fakeDir) setGate(g chan struct{}) {
	d.mu.Lock()
	d.gate = g
	d.mu.Unlock()
}

func newTestCached(inner Lookuper, ttl time.Duration) (*Cached, *fakeClock) {
	clk := newFakeClock()
	c := NewCached(inner, ttl)
	c.now = clk.Now
	return c, clk
}

func mustLookup(t *testing.T, l Lookuper, login string) *User {
	t.Helper()
	u, err := l.Lookup(context.Background(), login)
	if err != nil {
		t.Fatalf("Lookup(%q): %v", login, err)
	}
	return u
}

func TestCachedTTL(t *testing.T) {
	d := newFakeDir()
	d.add(User{ID: 1, Username: "u@d"}, "alias@d")
	c, clk := newTestCached(d, time.Minute)
	mustLookup(t, c, "u@d")
	mustLookup(t, c, "U@D")
	if n := d.calls.Load(); n != 1 {
		t.Fatalf("%d queries for two lookups within the TTL", n)
	}
	clk.Advance(time.Minute - time.Nanosecond)
	mustLookup(t, c, "u@d")
	if n := d.calls.Load(); n != 1 {
		t.Fatalf("%d queries before the TTL ran out", n)
	}
	clk.Advance(time.Nanosecond)
	mustLookup(t, c, "u@d")
	if n := d.calls.Load(); n != 2 {
		t.Fatalf("%d queries after the TTL ran out, want 2", n)
	}
	if u := mustLookup(t, c, "alias@d"); u.Username != "u@d" {
		t.Fatalf("alias resolved to %q", u.Username)
	}
}

func TestCachedReturnsCopies(t *testing.T) {
	d := newFakeDir()
	d.add(User{ID: 1, Username: "u@d", Maildir: "/m", ExternID: []byte{1}})
	c, _ := newTestCached(d, time.Minute)
	u := mustLookup(t, c, "u@d")
	u.Maildir = "/evil"
	u.ExternID[0] = 9
	if u2 := mustLookup(t, c, "u@d"); u2.Maildir != "/m" || u2.ExternID[0] != 1 {
		t.Fatalf("caller's change reached the cache: %+v", u2)
	}
}

func TestCachedNegative(t *testing.T) {
	d := newFakeDir()
	c, clk := newTestCached(d, time.Minute)
	for range 3 {
		if _, err := c.Lookup(context.Background(), "nobody@d"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Lookup: %v, want ErrNotFound", err)
		}
	}
	if n := d.calls.Load(); n != 1 {
		t.Fatalf("%d queries for a missing login, want 1", n)
	}
	// The negative TTL is min(ttl, 5s): the account shows up after 5 s.
	d.add(User{ID: 2, Username: "nobody@d"})
	clk.Advance(5*time.Second - time.Nanosecond)
	if _, err := c.Lookup(context.Background(), "nobody@d"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("negative entry expired early: %v", err)
	}
	clk.Advance(time.Nanosecond)
	mustLookup(t, c, "nobody@d")

	c2, clk2 := newTestCached(d, 2*time.Second)
	c2.Lookup(context.Background(), "gone@d")
	clk2.Advance(2 * time.Second)
	before := d.calls.Load()
	c2.Lookup(context.Background(), "gone@d")
	if d.calls.Load() != before+1 {
		t.Fatal("negative TTL longer than the TTL")
	}
}

func TestCachedDoesNotCacheErrors(t *testing.T) {
	d := newFakeDir()
	d.add(User{ID: 1, Username: "u@d"})
	d.err = errors.New("connection refused")
	c, _ := newTestCached(d, time.Minute)
	for range 2 {
		if _, err := c.Lookup(context.Background(), "u@d"); err == nil || errors.Is(err, ErrNotFound) {
			t.Fatalf("Lookup: %v, want the database error", err)
		}
	}
	d.mu.Lock()
	d.err = nil
	d.mu.Unlock()
	mustLookup(t, c, "u@d")
	if n := d.calls.Load(); n != 3 {
		t.Fatalf("%d queries, want 3 (errors are not cached)", n)
	}
}

func TestCachedSingleflight(t *testing.T) {
	for _, login := range []string{"u@d", "missing@d"} {
		t.Run(login, func(t *testing.T) {
			d := newFakeDir()
			d.add(User{ID: 1, Username: "u@d"})
			gate := make(chan struct{})
			d.setGate(gate)
			c, _ := newTestCached(d, time.Minute)
			const n = 50
			var wg sync.WaitGroup
			var started sync.WaitGroup
			errs := make([]error, n)
			started.Add(n)
			for i := range n {
				wg.Go(func() {
					started.Done()
					_, errs[i] = c.Lookup(context.Background(), strings.ToUpper(login))
				})
			}
			started.Wait()
			// Let every goroutine reach the flight before the query ends.
			for d.calls.Load() == 0 {
				time.Sleep(time.Millisecond)
			}
			time.Sleep(50 * time.Millisecond)
			close(gate)
			wg.Wait()
			if got := d.calls.Load(); got != 1 {
				t.Fatalf("%d queries for %d concurrent lookups, want 1", got, n)
			}
			for i, err := range errs {
				if login == "u@d" && err != nil || login != "u@d" && !errors.Is(err, ErrNotFound) {
					t.Fatalf("lookup %d: %v", i, err)
				}
			}
		})
	}
}

func TestCachedWaiterCancellation(t *testing.T) {
	d := newFakeDir()
	d.add(User{ID: 1, Username: "u@d"})
	gate := make(chan struct{})
	d.setGate(gate)
	c, _ := newTestCached(d, time.Minute)

	// The caller that started the query gives up; another still gets the
	// answer of the same query.
	ctx, cancel := context.WithCancel(context.Background())
	leader := make(chan error, 1)
	go func() {
		_, err := c.Lookup(ctx, "u@d")
		leader <- err
	}()
	for d.calls.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	follower := make(chan error, 1)
	go func() {
		_, err := c.Lookup(context.Background(), "u@d")
		follower <- err
	}()
	cancel()
	if err := <-leader; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled caller got %v", err)
	}
	close(gate)
	if err := <-follower; err != nil {
		t.Fatalf("other caller got %v", err)
	}
	if n := d.calls.Load(); n != 1 {
		t.Fatalf("%d queries, want 1", n)
	}
}

func TestCachedInvalidate(t *testing.T) {
	d := newFakeDir()
	d.add(User{ID: 1, Username: "u@d"}, "alias@d", "alt@d")
	d.add(User{ID: 2, Username: "v@d"})
	c, _ := newTestCached(d, time.Minute)
	for _, l := range []string{"u@d", "alias@d", "alt@d", "v@d"} {
		mustLookup(t, c, l)
	}
	if c.Len() != 4 {
		t.Fatalf("Len = %d, want 4", c.Len())
	}
	// By canonical username: the entries under other names go too.
	c.Invalidate("U@d")
	if c.Len() != 1 {
		t.Fatalf("Len after Invalidate = %d, want 1", c.Len())
	}
	before := d.calls.Load()
	mustLookup(t, c, "alias@d")
	mustLookup(t, c, "v@d")
	if d.calls.Load() != before+1 {
		t.Fatal("Invalidate dropped the wrong entries")
	}
	c.Invalidate("alias@d")
	mustLookup(t, c, "alias@d")
	if d.calls.Load() != before+2 {
		t.Fatal("Invalidate by login kept the entry")
	}
	c.Purge()
	if c.Len() != 0 {
		t.Fatalf("Len after Purge = %d", c.Len())
	}
	mustLookup(t, c, "v@d")
	if d.calls.Load() != before+3 {
		t.Fatal("Purge kept an entry")
	}
}

// A query in flight while the account is invalidated is not stored: it may
// hold the old state.
func TestCachedInvalidateDuringFlight(t *testing.T) {
	d := newFakeDir()
	d.add(User{ID: 1, Username: "u@d", Maildir: "/old"})
	gate := make(chan struct{})
	d.setGate(gate)
	c, _ := newTestCached(d, time.Minute)
	done := make(chan *User)
	go func() {
		u, _ := c.Lookup(context.Background(), "u@d")
		done <- u
	}()
	for d.calls.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	c.Invalidate("u@d")
	close(gate)
	<-done
	d.setGate(nil)
	d.add(User{ID: 1, Username: "u@d", Maildir: "/new"})
	if u := mustLookup(t, c, "u@d"); u.Maildir != "/new" {
		t.Fatalf("stale flight was cached: %q", u.Maildir)
	}
}

func TestCachedBounded(t *testing.T) {
	d := newFakeDir()
	c, _ := newTestCached(d, time.Minute)
	c.max = 100
	for i := range 1000 {
		c.Lookup(context.Background(), fmt.Sprintf("x%d@d", i))
		if c.Len() > 100 {
			t.Fatalf("Len = %d after %d lookups, bound 100", c.Len(), i+1)
		}
	}
	n := 0
	c.entries.Range(func(any, any) bool { n++; return true })
	if n != c.Len() {
		t.Fatalf("map holds %d, Len says %d", n, c.Len())
	}
}

func TestCachedSweepsExpired(t *testing.T) {
	d := newFakeDir()
	c, clk := newTestCached(d, time.Minute)
	for i := range 50 {
		c.Lookup(context.Background(), fmt.Sprintf("x%d@d", i))
	}
	clk.Advance(time.Minute)
	c.Lookup(context.Background(), "trigger@d")
	if c.Len() != 1 {
		t.Fatalf("Len = %d after expiry, want 1", c.Len())
	}
}

func TestCachedDisabled(t *testing.T) {
	d := newFakeDir()
	d.add(User{ID: 1, Username: "u@d"})
	c, _ := newTestCached(d, 0)
	mustLookup(t, c, "u@d")
	mustLookup(t, c, "u@d")
	if d.calls.Load() != 2 || c.Len() != 0 {
		t.Fatal("ttl 0 cached")
	}
}

func TestCachedSetPassword(t *testing.T) {
	d := newFakeDir()
	d.add(User{ID: 1, Username: "u@d"}, "alias@d")
	c, _ := newTestCached(d, time.Minute)
	mustLookup(t, c, "alias@d")
	if err := c.SetPassword(context.Background(), "u@d", "pw"); err != nil {
		t.Fatal(err)
	}
	if u := mustLookup(t, c, "alias@d"); !VerifyPassword(u.PasswordHash, "pw") {
		t.Fatal("cache still holds the account without its new password")
	}

	noSetter := NewCached(lookupFunc(func(context.Context, string) (*User, error) { return nil, ErrNotFound }), time.Minute)
	if err := noSetter.SetPassword(context.Background(), "u@d", "pw"); !errors.Is(err, errors.ErrUnsupported) {
		t.Fatalf("SetPassword without a setter: %v", err)
	}
}

type lookupFunc func(context.Context, string) (*User, error)

func (f lookupFunc) Lookup(ctx context.Context, login string) (*User, error) { return f(ctx, login) }

func TestCachedPanicInLookup(t *testing.T) {
	c := NewCached(lookupFunc(func(context.Context, string) (*User, error) { panic("boom") }), time.Minute)
	if _, err := c.Lookup(context.Background(), "u@d"); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("Lookup: %v", err)
	}
}

// Cached in front of the real database: what it serves until the TTL, and
// what Invalidate makes visible at once.
func TestCachedDB(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		if _, err := db.AddDomain(ctx, NewDomain{Name: "example.org"}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddUser(ctx, NewUser{Username: "user@example.org", Password: "secret"}); err != nil {
			t.Fatal(err)
		}
		if err := db.AddAlias(ctx, "alias@example.org", "user@example.org"); err != nil {
			t.Fatal(err)
		}
		c, clk := newTestCached(db, time.Minute)
		if u := mustLookup(t, c, "Alias@example.org"); u.Username != "user@example.org" || !u.LoginAllowed() {
			t.Fatalf("lookup: %+v", u)
		}
		if err := db.SetAddressStatus(ctx, "user@example.org", StatusSuspended); err != nil {
			t.Fatal(err)
		}
		if u := mustLookup(t, c, "alias@example.org"); !u.LoginAllowed() {
			t.Fatal("cached entry changed before the TTL")
		}
		c.Invalidate("user@example.org")
		if u := mustLookup(t, c, "alias@example.org"); u.LoginAllowed() {
			t.Fatal("Invalidate by username kept the alias entry")
		}

		if _, err := c.Lookup(ctx, "new@example.org"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("missing login: %v", err)
		}
		if _, err := db.AddUser(ctx, NewUser{Username: "new@example.org"}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Lookup(ctx, "new@example.org"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("negative entry not cached: %v", err)
		}
		clk.Advance(maxNegativeTTL)
		mustLookup(t, c, "new@example.org")
	})
}
