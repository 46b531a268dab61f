package supervisor

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/gromox-go/gromox/actors"
	"github.com/gromox-go/gromox/config"
	"github.com/gromox-go/gromox/mailbox"
	"go.uber.org/zap"
)

// Store administration (gromox-mbop): the running server owns its stores,
// so a tool that changes one asks the server to do it in the store's actor
// (POST /mbop on the admin listener); when no server runs, the tool starts
// its own actor system and registry and does the same there.

// MbopRequest is the body of POST /mbop: the maildir of a store and an mbop
// command line (global options, then a command or a chain).
type MbopRequest struct {
	Maildir string   `json:"maildir"`
	Args    []string `json:"args"`
}

// MbopResponse answers POST /mbop: what the command printed and, when it
// failed, why. The status is 200 on success, 400 for a mistake in the
// command line (or the request), 503 while the server shuts down and 500
// for other failures.
type MbopResponse struct {
	Output string `json:"output"`
	Error  string `json:"error,omitempty"`
}

// maxMbopRequest bounds the request body.
const maxMbopRequest = 1 << 20

// mbopHandler serves POST /mbop with the server's store registry.
type mbopHandler struct {
	stores *mailbox.Registry
	log    *zap.Logger
}

func (h *mbopHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.stores == nil {
		writeJSON(w, http.StatusServiceUnavailable, MbopResponse{Error: "this server has no store registry"})
		return
	}
	var req MbopRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxMbopRequest))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, MbopResponse{Error: "request: " + err.Error()})
		return
	}
	if req.Maildir == "" || !filepath.IsAbs(req.Maildir) {
		writeJSON(w, http.StatusBadRequest, MbopResponse{Error: fmt.Sprintf("maildir %q: an absolute path is needed", req.Maildir)})
		return
	}
	var out bytes.Buffer
	t0 := time.Now()
	err := mailbox.RunMbop(r.Context(), h.stores, req.Maildir, req.Args, &out)
	h.log.Info("mbop", zap.String("maildir", req.Maildir), zap.Strings("args", req.Args),
		zap.String("by", r.RemoteAddr), zap.Duration("took", time.Since(t0)), zap.Error(err))
	resp := MbopResponse{Output: out.String()}
	code := http.StatusOK
	if err != nil {
		resp.Error = err.Error()
		switch {
		case errors.Is(err, mailbox.ErrMbopUsage):
			code = http.StatusBadRequest
		case errors.Is(err, mailbox.ErrShuttingDown):
			code = http.StatusServiceUnavailable
		default:
			code = http.StatusInternalServerError
		}
	}
	writeJSON(w, code, resp)
}

// ErrNoServer says that no server answers on the admin listener.
var ErrNoServer = errors.New("no server answers on the admin listener")

// mbopError is a failure the server reported.
type mbopError struct {
	msg   string
	usage bool
}

func (e *mbopError) Error() string { return e.msg }

// Is lets callers tell usage errors apart with errors.Is(err,
// mailbox.ErrMbopUsage).
func (e *mbopError) Is(target error) bool { return e.usage && target == mailbox.ErrMbopUsage }

// adminURL turns an admin listen address into a URL a local client can
// reach: a wildcard host becomes the loopback address.
func adminURL(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("admin listener %q: %w", addr, err)
	}
	if port == "0" {
		return "", fmt.Errorf("admin listener %q: no fixed port", addr)
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return "http://" + net.JoinHostPort(host, port), nil
}

// ServerRunning asks the admin listener at addr whether a server is
// running: false when nothing answers, an error when something answers
// that is not a server ready for requests (one that is shutting down).
func ServerRunning(ctx context.Context, addr string) (bool, error) {
	base, err := adminURL(addr)
	if err != nil {
		return false, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/healthz", nil)
	if err != nil {
		return false, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		var op *net.OpError
		if errors.As(err, &op) && op.Op == "dial" {
			return false, nil
		}
		return false, fmt.Errorf("admin listener %s: %w", addr, err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	switch resp.StatusCode {
	case http.StatusOK:
		return true, nil
	case http.StatusServiceUnavailable:
		return false, fmt.Errorf("the server at %s is shutting down; try again once it has stopped", addr)
	}
	return false, fmt.Errorf("admin listener %s: /healthz answered %s", addr, resp.Status)
}

// PostMbop has the server whose admin listener is at addr run an mbop
// command line on the store in maildir; the output goes to out.
func PostMbop(ctx context.Context, addr, maildir string, args []string, out io.Writer) error {
	base, err := adminURL(addr)
	if err != nil {
		return err
	}
	if args == nil {
		args = []string{}
	}
	body, err := json.Marshal(MbopRequest{Maildir: maildir, Args: args})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/mbop", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		var op *net.OpError
		if errors.As(err, &op) && op.Op == "dial" {
			return fmt.Errorf("%w (%s)", ErrNoServer, addr)
		}
		return fmt.Errorf("POST %s/mbop: %w", base, err)
	}
	defer resp.Body.Close()
	var r MbopResponse
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(&r); err != nil {
		if resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusMethodNotAllowed {
			return fmt.Errorf("the server at %s does not run mbop commands (%s)", addr, resp.Status)
		}
		return fmt.Errorf("POST %s/mbop: %s: %w", base, resp.Status, err)
	}
	if _, err := io.WriteString(out, r.Output); err != nil {
		return err
	}
	if resp.StatusCode == http.StatusOK {
		return nil
	}
	msg := r.Error
	if msg == "" {
		msg = resp.Status
	}
	return &mbopError{msg: msg, usage: resp.StatusCode == http.StatusBadRequest}
}

// RunMbopLocal runs an mbop command line in an actor system of its own,
// for when no server runs: the store is opened, changed and closed here.
func RunMbopLocal(ctx context.Context, log *zap.Logger, maildir string, args []string, out io.Writer) error {
	if log == nil {
		log = zap.NewNop()
	}
	sys := actors.NewSystem(log, nil)
	defer sys.Shutdown()
	reg := mailbox.NewRegistry(sys, log.Named("store"), mailbox.Options{})
	err := mailbox.RunMbop(ctx, reg, maildir, args, out)
	sctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if serr := reg.Shutdown(sctx); serr != nil {
		err = errors.Join(err, fmt.Errorf("closing the store: %w", serr))
	}
	return err
}

// RunMbop runs an mbop command line on the store in maildir where the
// store's owner is: in the running server when its admin listener
// (st.AdminListen) answers, else in this process. A server that runs with
// the admin listener switched off cannot be told apart from none: do not
// run mbop then.
func RunMbop(ctx context.Context, st *config.Settings, log *zap.Logger, maildir string, args []string, out io.Writer) error {
	if !filepath.IsAbs(maildir) {
		abs, err := filepath.Abs(maildir)
		if err != nil {
			return err
		}
		maildir = abs
	}
	if addr := strings.TrimSpace(st.AdminListen); addr != "" {
		up, err := ServerRunning(ctx, addr)
		if err != nil {
			return err
		}
		if up {
			return PostMbop(ctx, addr, maildir, args, out)
		}
	}
	return RunMbopLocal(ctx, log, maildir, args, out)
}
