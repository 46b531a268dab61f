package lmtp

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/gromox-go/gromox/mailbox"
)

// Over real LMTP: the 250 for alice and the reply reaching the relay.
func TestOOFOverLMTP(t *testing.T) {
	e := newOOFEnv(t)
	e.setOOF(t, mailbox.OOFSettings{State: mailbox.OOFOn, InternalBody: "away"})
	e.srv.cfg.Outbound, e.srv.cfg.AutoReplySilence = e.out, 24*time.Hour
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	go e.srv.Serve(ln)
	defer ln.Close()
	conn, _ := net.Dial("tcp", ln.Addr().String())
	c := smtp.NewClientLMTP(conn)
	defer c.Close()
	c.Hello("mta")
	c.Mail("bob@example.org", nil)
	if err := c.Rcpt("alice@example.org", nil); err != nil {
		t.Fatal(err)
	}
	w, _ := c.Data()
	w.Write([]byte(oofMsg("bob@example.org", "alice@example.org")))
	if _, err := w.CloseWithLMTPResponse(); err != nil {
		var le smtp.LMTPDataError
		if !errors.As(err, &le) {
			t.Fatal(err)
		}
		t.Fatal(le)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for ctx.Err() == nil {
		e.relay.mu.Lock()
		n := len(e.relay.msgs)
		e.relay.mu.Unlock()
		if n == 1 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("no reply reached the relay")
}
