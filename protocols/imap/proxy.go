package imap

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/gromox-go/gromox/actors"
	"go.uber.org/zap"
)

// proxy is the imapserver.Session go-imap's connection goroutine calls:
// each call runs as one turn of the session actor.
type proxy struct {
	s    *Server
	conn *imapserver.Conn
	pid  *actors.PID
}

// command is one client command for the session actor; Name is for
// traces.
type command struct {
	Name string
	Run  func(a *session) (any, error)
}

func (c command) String() string { return "imap " + c.Name }

var errSessionGone = &imap.Error{Type: imap.StatusResponseTypeBye, Code: imap.ResponseCodeUnavailable, Text: "session ended"}

// call runs fn in the session actor and waits for it within the command
// timeout. A command that times out or whose actor failed ends the
// connection: the actor may still hold the connection's writer.
func (p *proxy) call(name string, fn func(a *session) (any, error)) (any, error) {
	if ic, ok := p.conn.NetConn().(*idConn); ok {
		ic.sessionCalled.Store(true) // go-imap parsed the command
	}
	ctx, cancel := context.WithTimeout(context.Background(), p.s.cfg.Timeout)
	defer cancel()
	res, err := p.s.sys.Request(ctx, p.pid, command{Name: name, Run: fn})
	if err != nil {
		var imapErr *imap.Error
		if errors.As(err, &imapErr) {
			return nil, err
		}
		if !errors.Is(err, actors.ErrStopped) {
			p.s.log.Warn("imap command failed", zap.String("command", name), zap.Error(err))
		}
		p.conn.NetConn().Close()
		return nil, errSessionGone
	}
	if r, ok := res.(result); ok {
		return r.v, r.err
	}
	return res, nil
}

// result carries a command's value and its IMAP error through the actor's
// reply (a reply that is an error value would be taken for a failure of
// the actor).
type result struct {
	v   any
	err error
}

func (p *proxy) do(name string, fn func(a *session) error) error {
	_, err := p.call(name, func(a *session) (any, error) { return result{err: fn(a)}, nil })
	return err
}

func value[T any](p *proxy, name string, fn func(a *session) (T, error)) (T, error) {
	res, err := p.call(name, func(a *session) (any, error) {
		v, err := fn(a)
		return result{v: v, err: err}, nil
	})
	v, _ := res.(T)
	return v, err
}

func (p *proxy) Close() error {
	p.s.sys.Poison(p.pid)
	return nil
}

func (p *proxy) Login(username, password string) error {
	return p.do("LOGIN", func(a *session) error { return a.login(username, password) })
}

func (p *proxy) Select(mailbox string, options *imap.SelectOptions) (*imap.SelectData, error) {
	return value(p, "SELECT", func(a *session) (*imap.SelectData, error) { return a.selectFolder(mailbox, options) })
}

func (p *proxy) Create(mailbox string, options *imap.CreateOptions) error {
	return p.do("CREATE", func(a *session) error { return a.create(mailbox, options.SpecialUse) })
}

func (p *proxy) Delete(mailbox string) error {
	return p.do("DELETE", func(a *session) error { return a.delete(mailbox) })
}

func (p *proxy) Rename(mailbox, newName string, options *imap.RenameOptions) error {
	return p.do("RENAME", func(a *session) error { return a.rename(mailbox, newName) })
}

func (p *proxy) Subscribe(mailbox string) error {
	return p.do("SUBSCRIBE", func(a *session) error { return a.subscribe(mailbox, true) })
}

func (p *proxy) Unsubscribe(mailbox string) error {
	return p.do("UNSUBSCRIBE", func(a *session) error { return a.subscribe(mailbox, false) })
}

func (p *proxy) List(w *imapserver.ListWriter, ref string, patterns []string, options *imap.ListOptions) error {
	return p.do("LIST", func(a *session) error { return a.list(w, ref, patterns, options) })
}

func (p *proxy) Status(mailbox string, options *imap.StatusOptions) (*imap.StatusData, error) {
	return value(p, "STATUS", func(a *session) (*imap.StatusData, error) { return a.status(mailbox, options) })
}

// Append reads the message on the connection goroutine (it is the
// connection's data), then stores it in the actor.
func (p *proxy) Append(mailbox string, r imap.LiteralReader, options *imap.AppendOptions) (*imap.AppendData, error) {
	if r.Size() > int64(p.s.cfg.AppendLimit) {
		return nil, &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeTooBig, Text: "message larger than APPENDLIMIT"}
	}
	raw := make([]byte, r.Size())
	if _, err := io.ReadFull(r, raw); err != nil {
		return nil, fmt.Errorf("reading the message: %w", err)
	}
	return value(p, "APPEND", func(a *session) (*imap.AppendData, error) { return a.appendMessage(mailbox, raw, options) })
}

func (p *proxy) Poll(w *imapserver.UpdateWriter, allowExpunge bool) error {
	return p.do("poll", func(a *session) error { return a.poll(w, allowExpunge) })
}

func (p *proxy) Unselect() error {
	return p.do("UNSELECT", func(a *session) error { a.unselect(); return nil })
}

func (p *proxy) Expunge(w *imapserver.ExpungeWriter, uids *imap.UIDSet) error {
	return p.do("EXPUNGE", func(a *session) error { return a.expunge(w, uids) })
}

func (p *proxy) Search(kind imapserver.NumKind, criteria *imap.SearchCriteria, options *imap.SearchOptions) (*imap.SearchData, error) {
	return value(p, "SEARCH", func(a *session) (*imap.SearchData, error) { return a.search(kind, criteria, options) })
}

func (p *proxy) Fetch(w *imapserver.FetchWriter, numSet imap.NumSet, options *imap.FetchOptions) error {
	return p.do("FETCH", func(a *session) error { return a.fetch(w, numSet, options) })
}

func (p *proxy) Store(w *imapserver.FetchWriter, numSet imap.NumSet, flags *imap.StoreFlags, options *imap.StoreOptions) error {
	return p.do("STORE", func(a *session) error { return a.store(w, numSet, flags) })
}

func (p *proxy) Copy(numSet imap.NumSet, dest string) (*imap.CopyData, error) {
	return value(p, "COPY", func(a *session) (*imap.CopyData, error) { return a.copyMessages(numSet, dest) })
}

func (p *proxy) Move(w *imapserver.MoveWriter, numSet imap.NumSet, dest string) error {
	return p.do("MOVE", func(a *session) error { return a.move(w, numSet, dest) })
}

func (p *proxy) Namespace() (*imap.NamespaceData, error) {
	return &imap.NamespaceData{Personal: []imap.NamespaceDescriptor{{Prefix: "", Delim: delim}}}, nil
}

func (p *proxy) AppendLimit() uint32 { return p.s.cfg.AppendLimit }

var (
	_ imapserver.SessionIMAP4rev2   = (*proxy)(nil)
	_ imapserver.SessionAppendLimit = (*proxy)(nil)
)
