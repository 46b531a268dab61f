package supervisor

import (
	"context"
	"fmt"
	"net"

	"github.com/gromox-go/gromox/directory"
	"github.com/gromox-go/gromox/mailbox"
	"github.com/gromox-go/gromox/protocols/autodiscover"
	gxhttp "github.com/gromox-go/gromox/protocols/http"
	"go.uber.org/zap"
)

// startHTTP starts the HTTP listeners (http_listen, http_listen_tls) with
// the HTTP front and the protocols served on it (AutoDiscover).
func (s *Server) startHTTP() error {
	st := s.Settings
	if len(st.Listen.HTTP) == 0 && len(st.Listen.HTTPTLS) == 0 {
		return nil
	}
	pt, err := st.ProtocolTLS("http")
	if err != nil {
		return err
	}
	cfg := gxhttp.Config{}
	if v := st.Files["http.cfg"]; v != nil {
		cfg.MaxBodyBytes = int64(min(v.Size("http_rqbody_max_size"), 1<<40))
		cfg.IdleTimeout = v.Duration("http_conn_timeout")
		cfg.RemoteHostHeader = v.String("http_remote_host_hdr")
	}
	if v := st.Files["gromox.cfg"]; v != nil && v.String("http_remote_host_hdr") != "" {
		cfg.RemoteHostHeader = v.String("http_remote_host_hdr")
	}
	log := s.Log.Named("http")
	front := gxhttp.New(cfg, log)

	adCfg, err := autodiscover.LoadConfig(st)
	if err != nil {
		return fmt.Errorf("autodiscover: %w", err)
	}
	if v := st.Files["http.cfg"]; v == nil || v.Bool("http_auth_basic") {
		front.SetAuthenticators(&gxhttp.Basic{Dir: s.Auth, Realm: adCfg.Host})
	} else {
		s.Log.Warn("http.cfg: http_auth_basic is off and no other scheme is available; authenticated paths answer 401")
	}
	autodiscover.New(adCfg, discoverDirectory{s.Lookup, s.Dir}, storeAccess{s.Stores}, s.Log.Named("autodiscover")).Register(front)
	if err := s.registerEMSMDB(front, adCfg); err != nil {
		return err
	}
	if err := s.registerNSPI(front, adCfg); err != nil {
		return err
	}

	for _, l := range []struct {
		key      string
		addrs    []string
		implicit bool
	}{{"http_listen", st.Listen.HTTP, false}, {"http_listen_tls", st.Listen.HTTPTLS, true}} {
		if l.implicit && len(l.addrs) > 0 && pt.Config == nil {
			s.Log.Warn("http_listen_tls set but no TLS certificate configured (http.cfg http_support_tls, http_certificate_path); not listening", zap.Strings("addr", l.addrs))
			continue
		}
		for _, addr := range l.addrs {
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				front.Shutdown(context.Background())
				return fmt.Errorf("%s %s: %w", l.key, addr, err)
			}
			proto, serve := "http", front.Serve
			if l.implicit {
				proto = "https"
				serve = func(ln net.Listener) error { return front.ServeTLS(ln, pt.Config) }
			}
			go func() {
				if err := serve(ln); err != nil {
					s.Log.Error("http listener", zap.String("addr", addr), zap.Error(err))
				}
			}()
			s.ServeListener(proto, ln.Addr(), front.Shutdown)
		}
	}
	return nil
}

// discoverDirectory gives AutoDiscover the cached account lookup and the
// domain table.
type discoverDirectory struct {
	*directory.Cached
	db *directory.DB
}

func (d discoverDirectory) Domain(ctx context.Context, name string) (*directory.Domain, error) {
	return d.db.Domain(ctx, name)
}

func (d discoverDirectory) Domains(ctx context.Context) ([]directory.Domain, error) {
	return d.db.Domains(ctx)
}

// storeAccess lets a user discover another user's mailbox when it grants
// them a right, as upstream's get_mbox_perm reckons them: a permission on
// any of its folders (directly or by the default row) or a place in its
// delegates list. Unlike upstream, rights that open nothing do not count
// (Visible, the free/busy rights, Contact): a new store gives everybody
// Visible and free/busy on its calendar, which would let every user
// discover every mailbox.
type storeAccess struct{ stores *mailbox.Registry }

func (a storeAccess) MayDiscover(ctx context.Context, actor, target *directory.User) (bool, error) {
	if target.Maildir == "" {
		return false, nil
	}
	rights, err := mailbox.Do[uint32](ctx, a.stores, target.Maildir, mailbox.ReadFunc(func(tx *mailbox.Tx) (any, error) {
		return tx.MailboxRights(mailbox.Identity{Username: actor.Username})
	}))
	const nothingOpens = mailbox.RightVisible | mailbox.RightFreeBusySimple | mailbox.RightFreeBusyDetailed | mailbox.RightContact
	return rights&^nothingOpens != 0, err
}
