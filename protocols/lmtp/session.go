package lmtp

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/gromox-go/gromox/actors"
	"github.com/gromox-go/gromox/directory"
	"github.com/gromox-go/gromox/mailbox"
	"go.uber.org/zap"
)

// Commands from the connection to its session actor.
type (
	mailCmd  struct{ from string }
	rcptCmd  struct{ to string }
	dataCmd  struct{ raw []byte }
	resetCmd struct{}
)

// lmtpResult is the outcome of DATA: an error (nil: delivered) per
// recipient as given in RCPT, in order.
type lmtpResult struct {
	rcpts []string
	errs  []error
}

// target is one mailbox a recipient delivers to.
type target struct {
	username string
	maildir  string
}

type rcpt struct {
	addr    string // as given in RCPT TO
	targets []target
}

// sessionActor holds one connection's transaction.
type sessionActor struct {
	s      *Server
	conn   *smtp.Conn
	remote string
	from   string
	inTx   bool
	rcpts  []rcpt

	loggedOut bool // go-smtp ended the session; the connection may go on
}

func (a *sessionActor) Receive(c *actors.Context) {
	switch m := c.Message().(type) {
	case mailCmd:
		if a.inTx {
			c.Respond(smtpErr(503, smtp.EnhancedCode{5, 5, 1}, "Nested MAIL command"))
			return
		}
		a.inTx, a.from, a.rcpts = true, m.from, nil
		c.Respond(nil)
	case rcptCmd:
		if !a.inTx {
			c.Respond(smtpErr(503, smtp.EnhancedCode{5, 5, 1}, "Need MAIL before RCPT"))
			return
		}
		ts, err := a.resolve(m.to)
		if err != nil {
			c.Respond(err)
			return
		}
		a.rcpts = append(a.rcpts, rcpt{addr: m.to, targets: ts})
		c.Respond(nil)
	case dataCmd:
		res := a.deliver(m.raw)
		a.inTx, a.from, a.rcpts = false, "", nil
		c.Respond(res)
	case resetCmd:
		a.inTx, a.from, a.rcpts = false, "", nil
		c.Respond(nil)
	case actors.ServerShutdown:
		// Whatever was being delivered has been answered (this message
		// queued behind it); end the connection.
		a.conn.Conn().Close()
		c.Stop(c.Self())
	case logoutCmd:
		// go-smtp ends this session (QUIT, a closed connection, or
		// STARTTLS, after which the connection goes on with a new
		// session): the connection is not ours to close.
		a.loggedOut = true
		c.Stop(c.Self())
	case *actors.Stopping:
		if !a.loggedOut {
			a.conn.Conn().Close()
		}
	}
}

// logoutCmd: go-smtp is done with the session.
type logoutCmd struct{}

// resolve turns a RCPT address into the mailboxes it delivers to: the
// address extension is stripped, aliases and altnames resolve to their
// user, mailing lists expand to their local members (duplicates collapse).
func (a *sessionActor) resolve(addr string) ([]target, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	addr = strings.TrimSpace(addr)
	if addr == "" || !strings.Contains(addr, "@") {
		return nil, smtpErr(501, smtp.EnhancedCode{5, 1, 3}, "Bad recipient address syntax")
	}
	r, err := a.s.dir.Resolve(ctx, stripExtension(addr, a.s.cfg.RecipientDelimiter))
	switch {
	case errors.Is(err, directory.ErrNotFound), errors.Is(err, directory.ErrInvalid):
		return nil, smtpErr(550, smtp.EnhancedCode{5, 1, 1}, "No such user here")
	case err != nil:
		a.s.log.Warn("recipient lookup failed", zap.String("rcpt", addr), zap.Error(err))
		return nil, smtpErr(451, smtp.EnhancedCode{4, 3, 0}, "Temporary lookup failure")
	}
	if r.Kind == directory.RecipientUser {
		if r.User.Maildir == "" || r.User.AddressStatus&directory.StatusMask == directory.StatusDeleted ||
			r.User.AddressStatus&directory.DomainStatusMask == directory.DomainStatusDeleted {
			return nil, smtpErr(550, smtp.EnhancedCode{5, 1, 1}, "No such user here")
		}
		return []target{{username: r.User.Username, maildir: r.User.Maildir}}, nil
	}
	var out []target
	seen := map[string]bool{}
	for _, mem := range r.Members {
		mr, err := a.s.dir.Resolve(ctx, mem)
		if err != nil || mr.Kind != directory.RecipientUser || mr.User.Maildir == "" || seen[mr.User.Maildir] {
			continue // external members go out through the MTA (outbound path, not here)
		}
		seen[mr.User.Maildir] = true
		out = append(out, target{username: mr.User.Username, maildir: mr.User.Maildir})
	}
	if len(out) == 0 {
		return nil, smtpErr(550, smtp.EnhancedCode{5, 1, 1}, "No local members in this list")
	}
	return out, nil
}

// deliver stores the message for every recipient: each mailbox once (in
// parallel, each store's actor commits its copy), each RCPT answered with
// its own outcome.
func (a *sessionActor) deliver(raw []byte) lmtpResult {
	res := lmtpResult{rcpts: make([]string, len(a.rcpts)), errs: make([]error, len(a.rcpts))}
	var order []target
	seen := map[string]bool{}
	for i, r := range a.rcpts {
		res.rcpts[i] = r.addr
		for _, t := range r.targets {
			if !seen[t.maildir] {
				seen[t.maildir] = true
				order = append(order, t)
			}
		}
	}
	outcome := make([]error, len(order))
	content, err := a.s.convert(raw)
	if err != nil {
		a.s.log.Warn("message conversion failed", zap.Error(err), zap.String("remote", a.remote))
		for i := range res.errs {
			res.errs[i] = smtpErr(554, smtp.EnhancedCode{5, 6, 0}, "Message could not be converted")
		}
		return res
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	for i, t := range order {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			outcome[i] = a.deliverOne(t, raw, content)
		}()
	}
	wg.Wait()
	done := make(map[string]error, len(order))
	for i, t := range order {
		done[t.maildir] = outcome[i]
	}
	for i, r := range a.rcpts {
		for _, t := range r.targets {
			if err := done[t.maildir]; err != nil && res.errs[i] == nil {
				res.errs[i] = err
			}
		}
	}
	return res
}

func (a *sessionActor) deliverOne(t target, raw []byte, content *mailbox.MessageContent) error {
	ctx, cancel := context.WithTimeout(context.Background(), a.s.cfg.Timeout)
	defer cancel()
	_, err := a.s.stores.Do(ctx, t.maildir, mailbox.Deliver{Raw: raw, Content: content})
	switch {
	case err == nil:
		a.s.log.Info("delivered", zap.String("rcpt", t.username), zap.String("from", a.from), zap.Int("size", len(raw)), zap.String("remote", a.remote))
		if out := a.s.cfg.Outbound; out != nil {
			from := a.from
			go func() { // after the commit, without holding up the LMTP reply
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
				defer cancel()
				if _, err := a.s.autoReply(ctx, out, a.s.cfg.AutoReplySilence, from, t, raw); err != nil {
					a.s.log.Warn("out-of-office reply failed", zap.String("rcpt", t.username), zap.Error(err))
				}
			}()
		}
		return nil
	case errors.Is(err, mailbox.ErrQuotaExceeded):
		return smtpErr(552, smtp.EnhancedCode{5, 2, 2}, "Mailbox full")
	}
	a.s.log.Warn("delivery failed", zap.String("rcpt", t.username), zap.Error(err))
	return smtpErr(451, smtp.EnhancedCode{4, 3, 0}, "Temporary delivery failure")
}
