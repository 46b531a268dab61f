package directory

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"sync"
	"testing"
	"time"
)

// fakeClock is a settable clock for the filter and the caches.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newTestFilter(opt UserFilterOptions) (*UserFilter, *fakeClock) {
	clk := newFakeClock()
	f := NewUserFilter(opt)
	f.now = clk.Now
	return f, clk
}

var (
	addrA = netip.MustParseAddr("192.0.2.1")
	addrB = netip.MustParseAddr("198.51.100.7")
)

func mustAdmit(t *testing.T, f *UserFilter, login string, remote netip.Addr) {
	t.Helper()
	if err := f.Admit(login, remote); err != nil {
		t.Fatalf("Admit(%q, %v) = %v, want nil", login, remote, err)
	}
}

func mustRefuse(t *testing.T, f *UserFilter, login string, remote netip.Addr) {
	t.Helper()
	if err := f.Admit(login, remote); !errors.Is(err, ErrBlocked) {
		t.Fatalf("Admit(%q, %v) = %v, want ErrBlocked", login, remote, err)
	}
}

func TestUserFilterBanAndRelease(t *testing.T) {
	f, clk := newTestFilter(UserFilterOptions{ICase: true, MaxBans: 10, AuthTimes: 3, BlockInterval: time.Minute})
	for i := 1; i <= 2; i++ {
		mustAdmit(t, f, "u@d", addrA)
		if n := f.Failed("u@d", addrA); n != i {
			t.Fatalf("failure %d counted as %d", i, n)
		}
	}
	mustAdmit(t, f, "u@d", addrA)
	f.Failed("u@d", addrA) // third: banned
	mustRefuse(t, f, "u@d", addrA)
	mustRefuse(t, f, "U@D", addrB) // the user, from anywhere
	mustAdmit(t, f, "other@d", addrA)

	clk.Advance(time.Minute - time.Second)
	mustRefuse(t, f, "u@d", addrA)
	clk.Advance(time.Second)
	mustAdmit(t, f, "u@d", addrA)
	// The count started over: two more failures do not ban.
	f.Failed("u@d", addrA)
	f.Failed("u@d", addrA)
	mustAdmit(t, f, "u@d", addrA)
}

func TestUserFilterFailuresOutsideWindowDoNotAdd(t *testing.T) {
	f, clk := newTestFilter(UserFilterOptions{MaxBans: 10, AuthTimes: 3, BlockInterval: time.Minute})
	for range 10 {
		f.Failed("u@d", addrA)
		f.Failed("u@d", addrA)
		clk.Advance(time.Minute)
		mustAdmit(t, f, "u@d", addrA)
	}
}

func TestUserFilterSuccessResets(t *testing.T) {
	f, _ := newTestFilter(UserFilterOptions{MaxBans: 10, AuthTimes: 3, BlockInterval: time.Minute})
	f.Failed("u@d", addrA)
	f.Failed("u@d", addrA)
	f.Succeeded("u@d")
	f.Failed("u@d", addrA)
	f.Failed("u@d", addrA)
	mustAdmit(t, f, "u@d", addrA)
	f.Failed("u@d", addrA)
	mustRefuse(t, f, "u@d", addrA)
	// Success does not lift a running ban.
	f.Succeeded("u@d")
	mustRefuse(t, f, "u@d", addrA)
}

func TestUserFilterICase(t *testing.T) {
	for _, icase := range []bool{true, false} {
		t.Run(fmt.Sprint("icase=", icase), func(t *testing.T) {
			f, _ := newTestFilter(UserFilterOptions{ICase: icase, MaxBans: 10, AuthTimes: 2, BlockInterval: time.Minute})
			f.Failed("User@D", addrA)
			f.Failed("user@d", addrA)
			err := f.Admit("USER@d", addrA)
			if icase && !errors.Is(err, ErrBlocked) {
				t.Fatalf("case variants not counted together: %v", err)
			}
			if !icase && err != nil {
				t.Fatalf("case variants counted together: %v", err)
			}
		})
	}
}

func TestUserFilterBansDisabled(t *testing.T) {
	for name, opt := range map[string]UserFilterOptions{
		"maxbans=0":   {AuthTimes: 2, BlockInterval: time.Minute},
		"authtimes=0": {MaxBans: 10, BlockInterval: time.Minute},
		"interval=0":  {MaxBans: 10, AuthTimes: 2},
	} {
		t.Run(name, func(t *testing.T) {
			f, _ := newTestFilter(opt)
			for range 10 {
				f.Failed("u@d", addrA)
			}
			mustAdmit(t, f, "u@d", addrA)
		})
	}
}

func TestUserFilterHostBan(t *testing.T) {
	f, clk := newTestFilter(UserFilterOptions{MaxBans: 100, AuthTimes: 10, HostTimes: 3, BlockInterval: time.Minute})
	for i := range 3 {
		f.Failed(fmt.Sprintf("guess%d@d", i), addrA)
	}
	mustRefuse(t, f, "anyone@d", addrA)
	mustRefuse(t, f, "guess0@d", addrA)
	mustAdmit(t, f, "anyone@d", addrB)
	mustAdmit(t, f, "guess0@d", addrB) // the users themselves are not banned
	clk.Advance(time.Minute)
	mustAdmit(t, f, "anyone@d", addrA)

	// IPv6: the /64 is one host.
	v6a := netip.MustParseAddr("2001:db8:1:2::10")
	v6b := netip.MustParseAddr("2001:db8:1:2:ffff::99")
	v6c := netip.MustParseAddr("2001:db8:1:3::10")
	for i := range 3 {
		f.Failed(fmt.Sprintf("v6guess%d@d", i), v6a)
	}
	mustRefuse(t, f, "x@d", v6b)
	mustAdmit(t, f, "x@d", v6c)

	// IPv4-mapped addresses are the IPv4 address.
	mapped := netip.AddrFrom16(addrB.As16())
	for i := range 3 {
		f.Failed(fmt.Sprintf("m%d@d", i), mapped)
	}
	mustRefuse(t, f, "x@d", addrB)

	// Loopback (a local proxy or webmail) and unknown addresses are never banned.
	for _, a := range []netip.Addr{netip.MustParseAddr("127.0.0.1"), netip.IPv6Loopback(), {}} {
		for i := range 5 {
			f.Failed(fmt.Sprintf("lo%d@d", i), a)
		}
		mustAdmit(t, f, "y@d", a)
	}
}

func TestUserFilterRateLimit(t *testing.T) {
	f, clk := newTestFilter(UserFilterOptions{ICase: true, MaxUsers: 10, RLMaxTries: 3, RLWindow: time.Minute})
	for range 3 {
		mustAdmit(t, f, "u@d", addrA)
	}
	mustRefuse(t, f, "U@d", addrB)
	mustAdmit(t, f, "v@d", addrA)
	clk.Advance(59 * time.Second)
	mustRefuse(t, f, "u@d", addrA)
	clk.Advance(time.Second)
	for range 3 {
		mustAdmit(t, f, "u@d", addrA)
	}
	mustRefuse(t, f, "u@d", addrA)

	// maxusers=0 switches rate limiting off.
	f2, _ := newTestFilter(UserFilterOptions{RLMaxTries: 1, RLWindow: time.Minute})
	for range 100 {
		mustAdmit(t, f2, "u@d", addrA)
	}
}

// The lists have replacement policy none: when full, new names are not
// tracked until old entries expire.
func TestUserFilterCapacity(t *testing.T) {
	f, clk := newTestFilter(UserFilterOptions{MaxUsers: 2, RLMaxTries: 1, RLWindow: time.Minute,
		MaxBans: 2, AuthTimes: 1, BlockInterval: time.Minute})
	mustAdmit(t, f, "a@d", addrA)
	mustAdmit(t, f, "b@d", addrA)
	mustAdmit(t, f, "c@d", addrA)
	mustAdmit(t, f, "c@d", addrA) // untracked: not limited
	mustRefuse(t, f, "a@d", addrA)

	f.Failed("a@d", addrA)
	f.Failed("b@d", addrA)
	f.Failed("c@d", addrA) // no room on the ban list
	clk.Advance(time.Minute)
	mustAdmit(t, f, "c@d", addrA)
	mustAdmit(t, f, "a@d", addrA) // ban over
	f.Failed("c@d", addrA)        // room again
	clk.Advance(time.Second)
	mustRefuse(t, f, "c@d", addrA)
}

// countEntries counts the entries a table really holds.
func countEntries[K comparable](t *limitTable[K]) int {
	if t == nil {
		return 0
	}
	n := 0
	for i := range t.shards {
		s := &t.shards[i]
		s.mu.Lock()
		n += len(s.m)
		s.mu.Unlock()
	}
	return n
}

func TestUserFilterBoundedUnderFlood(t *testing.T) {
	const maxBans, maxUsers = 1000, 500
	f, clk := newTestFilter(UserFilterOptions{ICase: true, MaxBans: maxBans, MaxUsers: maxUsers,
		RLMaxTries: 10, RLWindow: time.Minute, AuthTimes: 5, HostTimes: 5, BlockInterval: 10 * time.Second})
	rng := rand.New(rand.NewPCG(1, 2))
	maxSeen := [3]int{}
	for i := range 100000 {
		login := fmt.Sprintf("%016x@example.org", rng.Uint64())
		var ip [4]byte
		for j := range ip {
			ip[j] = byte(rng.Uint32())
		}
		remote := netip.AddrFrom4(ip)
		if f.Admit(login, remote) == nil {
			f.Failed(login, remote)
		}
		clk.Advance(time.Millisecond) // 100 s in all: many windows
		if i%1000 == 0 {
			u, h, r := f.tracked()
			maxSeen = [3]int{max(maxSeen[0], u), max(maxSeen[1], h), max(maxSeen[2], r)}
		}
	}
	u, h, r := f.tracked()
	if u > maxBans || h > hostTableSize || r > maxUsers || maxSeen[0] > maxBans || maxSeen[1] > hostTableSize || maxSeen[2] > maxUsers {
		t.Fatalf("lists exceed their bounds: now %d/%d/%d, max seen %v", u, h, r, maxSeen)
	}
	if got := countEntries(f.users); got != u {
		t.Fatalf("user list holds %d entries, counter says %d", got, u)
	}
	if got := countEntries(f.hosts); got != h {
		t.Fatalf("host list holds %d entries, counter says %d", got, h)
	}
	if got := countEntries(f.rl); got != r {
		t.Fatalf("rate list holds %d entries, counter says %d", got, r)
	}

	// Expired entries are reclaimed: after the flood a user can still be
	// tracked and banned.
	clk.Advance(time.Minute)
	for range 5 {
		f.Failed("victim@example.org", addrA)
	}
	mustRefuse(t, f, "victim@example.org", addrB)
	mustAdmit(t, f, "someone@example.org", addrB)
	if u, h, r := f.tracked(); u > 10 || h > 10 || r > 10 {
		t.Fatalf("expired entries not reclaimed: %d/%d/%d", u, h, r)
	}
}

func TestUserFilterConcurrent(t *testing.T) {
	f := NewUserFilter(UserFilterOptions{ICase: true, MaxBans: 100, MaxUsers: 100, RLMaxTries: 1000,
		RLWindow: time.Minute, AuthTimes: 1000, HostTimes: 1000, BlockInterval: time.Minute})
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			for i := range 2000 {
				login := fmt.Sprintf("u%d@d", (g*7+i)%50)
				remote := netip.AddrFrom4([4]byte{192, 0, 2, byte(i % 20)})
				if f.Admit(login, remote) == nil {
					if i%3 == 0 {
						f.Succeeded(login)
					} else {
						f.Failed(login, remote)
					}
				}
			}
		})
	}
	wg.Wait()
	u, h, r := f.tracked()
	if u != countEntries(f.users) || h != countEntries(f.hosts) || r != countEntries(f.rl) {
		t.Fatalf("counters drifted: %d/%d/%d vs %d/%d/%d", u, h, r,
			countEntries(f.users), countEntries(f.hosts), countEntries(f.rl))
	}
}
