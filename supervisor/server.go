// Package supervisor builds and runs the server's actor tree: it opens the
// user directory, starts the protocol supervisors and listeners, serves the
// loopback admin listener, and stops everything in order.
//
// Shutdown order (each step bounded by the shutdown timeout): stop accepting
// (protocol listeners), drain sessions (each protocol supervisor tells its
// sessions to finish, then stops the rest), close stores, close the
// directory, close the admin listener, flush the log. Nothing acknowledged
// is lost: sessions answer only after the store committed, and stores flush
// before they close.
package supervisor

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gromox-go/gromox/actors"
	"github.com/gromox-go/gromox/config"
	"github.com/gromox-go/gromox/directory"
	"github.com/gromox-go/gromox/mailbox"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"go.uber.org/zap"
)

// Listener is one address the server accepts connections on.
type Listener struct {
	Protocol string
	Addr     string
}

// Server is the running server.
type Server struct {
	Settings *config.Settings
	Log      *zap.Logger
	System   *actors.System
	Metrics  *prometheus.Registry
	Dir      *directory.DB
	Lookup   *directory.Cached
	Auth     *directory.Auth
	Stores   *mailbox.Registry

	mu        sync.Mutex
	listeners []Listener
	closers   []func(context.Context) error // protocol listeners, in start order
	protocols []*Protocol
	admin     *http.Server
	stopping  atomic.Bool
	done      chan struct{}
}

// Start opens the directory and starts the actor tree: the store registry,
// the protocol supervisors with their listeners, and the admin listener.
func Start(ctx context.Context, st *config.Settings, log *zap.Logger) (*Server, error) {
	tuneGCTarget := applyRuntime(st, log)
	s := &Server{Settings: st, Log: log, done: make(chan struct{})}
	s.Metrics = prometheus.NewRegistry()
	s.Metrics.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s.System = actors.NewSystem(log, s.Metrics)

	dir, err := OpenDirectory(ctx, st)
	if err != nil {
		s.System.Shutdown()
		return nil, err
	}
	s.Dir = dir
	s.Lookup = directory.NewCached(dir, st.ObjectCacheLifetime)
	s.Auth, err = directory.NewAuth(s.Lookup, AuthOptions(st), log)
	if err != nil {
		dir.Close()
		s.System.Shutdown()
		return nil, err
	}

	opts := storeOptions(st, log)
	opts.Metrics = s.Metrics
	s.Stores = mailbox.NewRegistry(s.System, log.Named("store"), opts)

	if err := s.startProtocols(); err != nil {
		s.Shutdown(context.Background())
		return nil, err
	}
	if tuneGCTarget {
		go tuneGC(st.GCPercent, st.GCMinHeadroom, s.done) // ends with Shutdown
	}

	if st.AdminListen == "" {
		return s, nil // admin_listen set empty: no admin listener
	}
	ln, err := listen(st.AdminListen)
	if err != nil {
		s.Shutdown(context.Background())
		return nil, fmt.Errorf("admin listener %s: %w", st.AdminListen, err)
	}
	h := &adminHandler{sys: s.System, reg: s.Metrics, log: log.Named("admin"), started: time.Now(), stopping: &s.stopping, stores: s.Stores}
	s.admin = &http.Server{Handler: newAdminMux(h), ReadHeaderTimeout: 10 * time.Second}
	go s.admin.Serve(ln)
	s.addListener("admin", ln.Addr().String())
	return s, nil
}

// OpenDirectory opens the user directory the settings name. A MySQL
// database must already hold a schema this server reads.
func OpenDirectory(ctx context.Context, st *config.Settings) (*directory.DB, error) {
	return openDirectory(st, false)
}

// OpenDirectoryForSchema opens the user directory without checking its
// schema, for creating or upgrading it (gromox dbop).
func OpenDirectoryForSchema(st *config.Settings) (*directory.DB, error) {
	return openDirectory(st, true)
}

func openDirectory(st *config.Settings, unchecked bool) (*directory.DB, error) {
	switch st.DirectoryBackend {
	case "sqlite":
		db, err := directory.OpenSQLite(st.SQLitePath)
		if err != nil {
			return nil, fmt.Errorf("user directory %s: %w", st.SQLitePath, err)
		}
		return db, nil
	case "mysql", "":
		open := directory.OpenMySQL
		if unchecked {
			open = directory.OpenMySQLUnchecked
		}
		db, err := open(st.MySQL.DSN())
		if err != nil {
			return nil, fmt.Errorf("user directory mysql://%s:%d/%s: %w", st.MySQL.Host, st.MySQL.Port, st.MySQL.DBName, err)
		}
		return db, nil
	}
	return nil, fmt.Errorf("user_directory: unknown backend %q (mysql or sqlite)", st.DirectoryBackend)
}

// AuthOptions maps the settings to the authenticator's options.
func AuthOptions(st *config.Settings) directory.AuthOptions {
	uf := st.UserFilter
	return directory.AuthOptions{
		Backend:           st.AuthBackend,
		FailDelay:         st.AuthFailDelay,
		CredCacheTTL:      st.CredCacheLifetime,
		EnableFirstTimePW: st.MySQL.EnableFirstTimePW,
		Filter: directory.UserFilterOptions{
			ICase: uf.ICase, MaxBans: uf.MaxBans, MaxUsers: uf.MaxUsers,
			RLMaxTries: uf.RLMaxTries, RLWindow: uf.RLWindow,
			AuthTimes: uf.AuthTimes, HostTimes: uf.HostTimes, BlockInterval: uf.BlockInterval,
		},
	}
}

func (s *Server) addListener(proto, addr string) {
	s.mu.Lock()
	s.listeners = append(s.listeners, Listener{Protocol: proto, Addr: addr})
	s.mu.Unlock()
}

// Listeners returns every address the server listens on.
func (s *Server) Listeners() []Listener {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Listener(nil), s.listeners...)
}

// AddProtocol starts the supervisor of a protocol's sessions. Protocol
// packages call it, then ServeListener for each of their listeners.
func (s *Server) AddProtocol(name string) *Protocol {
	p := NewProtocol(s.System, name)
	s.mu.Lock()
	s.protocols = append(s.protocols, p)
	s.mu.Unlock()
	return p
}

// ServeListener registers a protocol listener: addr is printed at start and
// stop is called first at shutdown, to stop accepting.
func (s *Server) ServeListener(proto string, addr net.Addr, stop func(context.Context) error) {
	s.addListener(proto, addr.String())
	s.mu.Lock()
	s.closers = append(s.closers, stop)
	s.mu.Unlock()
}

// Stopping reports whether shutdown has begun.
func (s *Server) Stopping() bool { return s.stopping.Load() }

// Done is closed when Shutdown has finished.
func (s *Server) Done() <-chan struct{} { return s.done }

// Shutdown stops the server in order within ctx's deadline.
func (s *Server) Shutdown(ctx context.Context) error {
	if !s.stopping.CompareAndSwap(false, true) {
		<-s.done
		return nil
	}
	defer close(s.done)
	var errs []error
	log := s.Log
	t0 := time.Now()

	// 1. Stop accepting.
	s.mu.Lock()
	closers, protocols := s.closers, s.protocols
	s.mu.Unlock()
	for _, stop := range closers {
		if err := stop(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	// 2. Drain sessions: they finish the command in hand and say goodbye.
	drainFor := time.Until(deadlineOf(ctx, s.Settings.ShutdownTimeout)) / 2
	for _, p := range protocols {
		forced, err := p.Drain(ctx, drainFor)
		if err != nil {
			errs = append(errs, fmt.Errorf("drain %s: %w", p.Name, err))
		}
		if forced > 0 {
			log.Warn("sessions stopped at the drain deadline", zap.String("protocol", p.Name), zap.Int("sessions", forced))
		}
	}
	// 3. Stores commit what is queued and close.
	if err := s.Stores.Shutdown(ctx); err != nil {
		errs = append(errs, fmt.Errorf("stores: %w", err))
	}
	// 4. Directory and admin listener.
	if s.Dir != nil {
		if err := s.Dir.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	if s.admin != nil {
		if err := s.admin.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errs = append(errs, err)
		}
	}
	s.System.Shutdown()
	log.Info("server stopped", zap.Duration("took", time.Since(t0)))
	_ = log.Sync()
	return errors.Join(errs...)
}

func deadlineOf(ctx context.Context, fallback time.Duration) time.Time {
	if dl, ok := ctx.Deadline(); ok {
		return dl
	}
	return time.Now().Add(fallback)
}
