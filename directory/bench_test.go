package directory

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// Login and lookup costs against the real user database, on SQLite and
// (with GROMOX_TEST_MYSQL_DSN) on MariaDB:
//
//	go test ./directory -run '^$' -bench 'Login|Lookup' -benchtime 2s
//
// Each benchmark has a serial and a b.RunParallel variant per backend;
// logins/s (or lookups/s) is b.N over the wall time.

const benchUsers = 64

// benchBackends runs fn against each backend, with benchUsers accounts
// bench<i>@example.org (password "secret", $6$) and an alias for each.
func benchBackends(b *testing.B, fn func(b *testing.B, db *DB)) {
	b.Run("sqlite", func(b *testing.B) { fn(b, seedBenchDB(b, newSQLiteTestDB(b))) })
	b.Run("mysql", func(b *testing.B) { fn(b, seedBenchDB(b, newMySQLTestDB(b))) })
}

func seedBenchDB(b *testing.B, db *DB) *DB {
	b.Helper()
	ctx := context.Background()
	if _, err := db.AddDomain(ctx, NewDomain{Name: "example.org"}); err != nil {
		b.Fatal(err)
	}
	for i := range benchUsers {
		name := fmt.Sprintf("bench%d@example.org", i)
		if _, err := db.AddUser(ctx, NewUser{Username: name, Password: "secret"}); err != nil {
			b.Fatal(err)
		}
		if err := db.AddAlias(ctx, fmt.Sprintf("alias%d@example.org", i), name); err != nil {
			b.Fatal(err)
		}
	}
	return db
}

// benchNames are the alias logins, made once so that formatting them is
// not measured.
var benchNames = func() []string {
	s := make([]string, benchUsers)
	for i := range s {
		s[i] = fmt.Sprintf("alias%d@example.org", i)
	}
	return s
}()

func benchLogin(i int) Credentials {
	return Credentials{
		Login:    benchNames[i%benchUsers],
		Password: "secret",
		Remote:   testRemote,
		Protocol: "imap",
		Op:       "LOGIN",
		Want:     PrivIMAP,
	}
}

// runBoth runs op serially and under b.RunParallel, reporting unit/s.
func runBoth(b *testing.B, unit string, op func(i int) error) {
	report := func(b *testing.B) {
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), unit+"/s")
	}
	b.Run("serial", func(b *testing.B) {
		i := 0
		for b.Loop() {
			if err := op(i); err != nil {
				b.Fatal(err)
			}
			i++
		}
		report(b)
	})
	b.Run("parallel", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				if err := op(i); err != nil {
					b.Error(err)
					return
				}
				i++
			}
		})
		report(b)
	})
}

func newBenchAuth(b *testing.B, dir Lookuper, credTTL time.Duration) *Auth {
	opt := DefaultAuthOptions()
	opt.CredCacheTTL = credTTL
	a, err := NewAuth(dir, opt, nil)
	if err != nil {
		b.Fatal(err)
	}
	return a
}

// BenchmarkLoginUncached: every login looks the account up and verifies
// the $6$ hash (no credential cache, no Cached).
func BenchmarkLoginUncached(b *testing.B) {
	benchBackends(b, func(b *testing.B, db *DB) {
		a := newBenchAuth(b, db, 0)
		runBoth(b, "logins", func(i int) error {
			_, err := a.Authenticate(context.Background(), benchLogin(i))
			return err
		})
	})
}

// BenchmarkLoginCachedCred: every login is a credential cache hit, as the
// second and later MAPI/HTTP requests of a session are.
func BenchmarkLoginCachedCred(b *testing.B) {
	benchBackends(b, func(b *testing.B, db *DB) {
		a := newBenchAuth(b, db, time.Hour)
		for i := range benchUsers {
			if _, err := a.Authenticate(context.Background(), benchLogin(i)); err != nil {
				b.Fatal(err)
			}
		}
		runBoth(b, "logins", func(i int) error {
			_, err := a.Authenticate(context.Background(), benchLogin(i))
			return err
		})
	})
}

// BenchmarkLookupUncached: one login query per lookup.
func BenchmarkLookupUncached(b *testing.B) {
	benchBackends(b, func(b *testing.B, db *DB) {
		runBoth(b, "lookups", func(i int) error {
			_, err := db.Lookup(context.Background(), benchNames[i%benchUsers])
			return err
		})
	})
}

// BenchmarkLookupCached: lookups answered by Cached.
func BenchmarkLookupCached(b *testing.B) {
	benchBackends(b, func(b *testing.B, db *DB) {
		c := NewCached(db, time.Hour)
		runBoth(b, "lookups", func(i int) error {
			_, err := c.Lookup(context.Background(), benchNames[i%benchUsers])
			return err
		})
	})
}
