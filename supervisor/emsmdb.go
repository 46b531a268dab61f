package supervisor

import (
	"context"
	"path/filepath"

	"github.com/gromox-go/gromox/protocols/autodiscover"
	gxhttp "github.com/gromox-go/gromox/protocols/http"
	"github.com/gromox-go/gromox/protocols/mapihttp"
	"github.com/gromox-go/gromox/protocols/outbound"
)

// registerEMSMDB serves MAPI over HTTP's mailbox endpoint (/mapi/emsmdb)
// on the HTTP front: its session contexts are sessions of the "emsmdb"
// protocol, and RopSubmitMessage sends through the outbound path
// (outgoing_smtp_url); messages with a deferred send time wait in the
// durable deferred-send queue (<data_path>/deferred-send.json).
func (s *Server) registerEMSMDB(front *gxhttp.Server, ad autodiscover.Config) error {
	smtpURL, compress := "", -1
	if v := s.Settings.Files["gromox.cfg"]; v != nil {
		smtpURL = v.String("outgoing_smtp_url")
		compress = int(v.Int("emsmdb_compress_threshold"))
	}
	out, err := outbound.New(smtpURL)
	if err != nil {
		return err
	}
	submit := &outbound.Submitter{Stores: s.Stores, Dir: s.Dir, Out: out, Log: s.Log.Named("submit")}
	// The deferred-send queue runs under its own "timer" protocol
	// supervisor, added after emsmdb's: shutdown drains the sessions that
	// submit into it first, then the queue (sends in progress finish),
	// then closes the stores its sends write to.
	q, err := outbound.StartDeferredQueue(context.Background(), s.System, s.AddProtocol("timer"), outbound.DeferredConfig{
		Path:   filepath.Join(s.Settings.DataDir, outbound.DeferredStateFile),
		Sender: submit,
		Log:    s.Log.Named("deferred-send"),
	})
	if err != nil {
		return err
	}
	submit.Deferred = q
	cfg := mapihttp.Config{OrgName: ad.OrgName, ServerVersion: ad.ServerVersion, CompressThreshold: compress}
	if v := s.Settings.Files["exchange_emsmdb.cfg"]; v != nil {
		cfg.MaxSessionsPerUser = int(min(v.Size("emsmdb_max_cxh_per_user"), 1<<20))
	}
	srv := mapihttp.New(cfg, s.System, s.AddProtocol("emsmdb"), s.Stores, submit, s.Log.Named("emsmdb"))
	srv.SetDirectory(discoverDirectory{s.Lookup, s.Dir})
	srv.Register(front)
	return nil
}
