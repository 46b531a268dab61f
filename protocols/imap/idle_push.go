package imap

import (
	"errors"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
)

// IDLE without a goroutine per idling session (RFC 2177, RFC 9051
// 6.3.13).
//
// go-imap calls Session.Idle in a goroutine of its own, beside the
// connection goroutine that waits for DONE, and expects it to send
// updates until DONE. A goroutine that waits there costs a session about
// 5 KiB (its stack, 4 KiB, and its channels), a sixth of what an idle
// session costs in all. proxy.Idle hands the IDLE to the session
// actor instead and returns at once, which ends go-imap's goroutine
// (go-imap holds the result until DONE). From then on a store
// notification sends the actor an idleWake, and the actor writes the
// updates itself in that turn.
//
// The actor writes only while go-imap is still in IDLE: idConn, which
// sees both directions, knows when go-imap asked for DONE and hands the
// client's next bytes (DONE) to go-imap only when no update is being
// written (idConn.whileIdle, leaveIdle). So an update goes out before
// IDLE's tagged response or not at all (then at the poll go-imap makes
// when IDLE ends), never an EXPUNGE between commands (RFC 9051 7.5.1).
//
// Every connection go-imap is given is an idConn, on implicit TLS and
// after STARTTLS too (idConn does STARTTLS itself).

// Idle starts an IDLE in the session actor: pending updates now, the
// others as they come (session.pushIdle).
func (p *proxy) Idle(w *imapserver.UpdateWriter, stop <-chan struct{}) error {
	return p.do("IDLE", func(a *session) error { return a.idle(w) })
}

// idleWake tells the session actor that a notification came in while it
// is in IDLE.
type idleWake struct{}

func (idleWake) String() string { return "imap IDLE update" }

// idle starts an IDLE: the actor writes pending updates now and others
// as notifications come in, for as long as the connection is in IDLE.
func (a *session) idle(w *imapserver.UpdateWriter) error {
	if a.sel != nil {
		a.sel.view.compact() // kept for as long as the session idles
	}
	ic, ok := a.conn.NetConn().(*idConn)
	if !ok {
		return errors.New("imap: IDLE on a connection without its wrapper")
	}
	a.idleConn, a.idleW = ic, w
	a.idling.Store(true)
	return a.pushIdle()
}

// pushIdle writes the pending updates of an IDLE, if the connection is
// still in it; once it is not, or on an error, the actor stops writing.
func (a *session) pushIdle() error {
	a.wakeQueued.Store(false)
	if a.idleW == nil {
		return nil
	}
	ok, err := a.idleConn.whileIdle(func() error { return a.poll(a.idleW, true) })
	if !ok || err != nil {
		a.endIdle()
	}
	return err
}

// idleWoken is the turn of an idleWake. A failed write ends the
// connection (go-imap, reading, would not notice); a store error only
// ends the updates until the next command.
func (a *session) idleWoken() {
	err := a.pushIdle()
	var imapErr *imap.Error
	if err != nil && !errors.As(err, &imapErr) {
		a.conn.NetConn().Close()
	}
}

// endIdle stops the actor's IDLE updates.
func (a *session) endIdle() {
	a.idleConn, a.idleW = nil, nil
	a.idling.Store(false)
}

// wakeIdle makes the actor write the updates of a notification that came
// in during IDLE (called in the notifying goroutine).
func (a *session) wakeIdle() bool {
	if !a.idling.Load() {
		return false
	}
	if a.wakeQueued.CompareAndSwap(false, true) {
		a.s.sys.Send(a.self, idleWake{})
	}
	return true
}
