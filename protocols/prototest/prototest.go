// Package prototest sets up what protocol tests need around a server: an
// actor system, a store registry, a directory with users whose private
// stores exist, the authenticator, and TLS certificates. It is imported
// by tests only.
package prototest

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/gromox-go/gromox/actors"
	"github.com/gromox-go/gromox/directory"
	"github.com/gromox-go/gromox/internal/fixtures"
	"github.com/gromox-go/gromox/mailbox"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

// Spawner starts sessions as top-level actors (the protocol supervisor is
// tested in supervisor/). actors.System.Spawn is not safe for concurrent
// use, so spawns are serialised as the supervisor's are.
type Spawner struct {
	Sys *actors.System
	mu  sync.Mutex
}

// StartSession spawns p.
func (s *Spawner) StartSession(_ context.Context, p actors.Props) (*actors.PID, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.Sys.Spawn(p), nil
}

// Env is the world a protocol server runs in.
type Env struct {
	Dir     string // temporary directory
	Sys     *actors.System
	Stores  *mailbox.Registry
	DB      *directory.DB
	Auth    *directory.Auth
	Spawner *Spawner
	Logs    *observer.ObservedLogs // Info and above of Log
	Log     *zap.Logger
}

// New makes an Env with domain example.org and no users; everything stops
// when t ends.
func New(t testing.TB) *Env {
	t.Helper()
	tmp := t.TempDir()
	ctx := context.Background()
	db, err := directory.OpenSQLite(filepath.Join(tmp, "userdb.sqlite3"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.AddDomain(ctx, directory.NewDomain{Name: "example.org"}); err != nil {
		t.Fatal(err)
	}
	core, logs := observer.New(zapcore.InfoLevel)
	log := zap.New(core)
	opt := directory.AuthOptions{Backend: "mysql", FailDelay: time.Millisecond, Filter: directory.DefaultUserFilterOptions()}
	auth, err := directory.NewAuth(db, opt, log)
	if err != nil {
		t.Fatal(err)
	}
	sys := actors.NewSystem(zap.NewNop(), nil)
	e := &Env{Dir: tmp, Sys: sys, DB: db, Auth: auth, Logs: logs, Log: log, Spawner: &Spawner{Sys: sys}}
	e.Stores = mailbox.NewRegistry(sys, zap.NewNop(), mailbox.Options{})
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		e.Stores.Shutdown(ctx)
		sys.Shutdown()
	})
	return e
}

// AddUser adds user (an address in example.org) with password and IMAP
// (and POP3) privilege; with maildir "" a new private store is made under
// Dir, else maildir is taken as it is (an existing store). It returns the
// maildir.
func (e *Env) AddUser(t testing.TB, user, password, maildir string) string {
	t.Helper()
	if maildir == "" {
		maildir = filepath.Join(e.Dir, user)
		if err := mailbox.CreatePrivate(maildir, mailbox.PrivateParams{UserID: e.nextUserID(), Language: "en"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.DB.AddUser(context.Background(), directory.NewUser{Username: user, Password: password, Maildir: maildir, PrivilegeBits: directory.PrivIMAP}); err != nil {
		t.Fatal(err)
	}
	return maildir
}

var userIDs struct {
	sync.Mutex
	n uint32
}

func (e *Env) nextUserID() uint32 {
	userIDs.Lock()
	defer userIDs.Unlock()
	userIDs.n++
	return userIDs.n
}

// SelfSigned makes a certificate for host and the client configuration
// that trusts it.
func SelfSigned(t testing.TB, host string) (tls.Certificate, *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: host},
		DNSNames:     []string{host},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf},
		&tls.Config{RootCAs: pool, ServerName: host}
}

// FixtureDir finds ../shared/fixtures/upstream-3.10 beside the checkout
// (the upstream-written stores and corpus); the test is skipped when there
// is none.
func FixtureDir(t testing.TB) string { t.Helper(); return fixtures.Dir(t) }

// CopyTree copies the directory src into a temporary directory and
// returns the copy (stores are copied before a test writes to them).
func CopyTree(t testing.TB, src string) string { t.Helper(); return fixtures.CopyTree(t, src) }

// Goroutines counts the goroutines once collections and short pauses have
// let the ones that are ending end.
func Goroutines() int {
	n := 0
	for i := 0; i < 3; i++ {
		runtime.GC()
		time.Sleep(50 * time.Millisecond)
		n = runtime.NumGoroutine()
	}
	return n
}

// WaitSessionsGone waits until sys has no actor of kind left and no more
// than a few goroutines beyond base (a Goroutines count taken before), and
// fails the test with every goroutine's stack when timeout passes first:
// what the tests of clients vanishing mid-command check.
func WaitSessionsGone(t testing.TB, sys *actors.System, kind string, base int, timeout time.Duration) {
	t.Helper()
	sessions := func() int {
		n := 0
		for _, a := range sys.Actors() {
			if a.Kind == kind {
				n++
			}
		}
		return n
	}
	deadline := time.Now().Add(timeout)
	for {
		n := Goroutines()
		if n <= base+3 && sessions() == 0 {
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("goroutines: %d before, %d after; %d %s actors left\n%s", base, n, sessions(), kind, buf[:runtime.Stack(buf, true)])
		}
	}
}
