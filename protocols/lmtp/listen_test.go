package lmtp

import (
	"crypto/tls"
	"net"
	netsmtp "net/smtp"
	"net/textproto"
	"strings"
	"testing"

	"github.com/gromox-go/gromox/protocols/prototest"
)

// TestProtocolBoth: with command_protocol both, one listener takes LHLO
// (LMTP, one reply per recipient) and EHLO (SMTP, one reply) alike.
func TestProtocolBoth(t *testing.T) {
	e := newEnv(t, 0, func(c *Config) { c.Protocol = ProtocolBoth })
	lc := e.client(t) // LHLO
	if _, err := send(t, lc, []string{"alice@example.org", "bob@example.org"}, "Subject: over lmtp\r\n\r\nhi\r\n"); err != nil {
		t.Fatal(err)
	}
	// net/smtp speaks EHLO.
	if err := netsmtp.SendMail(e.addr, nil, "sender@example.net", []string{"alice@example.org"}, []byte("Subject: over smtp\r\n\r\nhi\r\n")); err != nil {
		t.Fatalf("SMTP delivery on a both listener: %v", err)
	}
	got := strings.Join(e.inbox(t, "alice@example.org"), "|")
	if !strings.Contains(got, "over lmtp") || !strings.Contains(got, "over smtp") {
		t.Errorf("alice's inbox: %q", got)
	}
}

func TestProtocolSMTPRefusesLHLO(t *testing.T) {
	e := newEnv(t, 0, func(c *Config) { c.Protocol = ProtocolSMTP })
	nc, err := net.Dial("tcp", e.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	tp := textproto.NewConn(nc)
	if _, _, err := tp.ReadResponse(220); err != nil {
		t.Fatal(err)
	}
	id, err := tp.Cmd("LHLO relay.example.net")
	if err != nil {
		t.Fatal(err)
	}
	tp.StartResponse(id)
	code, msg, err := tp.ReadResponse(250)
	tp.EndResponse(id)
	if err == nil || code != 500 {
		t.Errorf("LHLO on an SMTP-only listener: %d %s", code, msg)
	}
}

// TestSTARTTLS: with a certificate, STARTTLS is offered, and with
// smtp_force_starttls MAIL before it is refused.
func TestSTARTTLS(t *testing.T) {
	cert, clientTLS := prototest.SelfSigned(t, "mx.example.org")
	e := newEnv(t, 0, func(c *Config) {
		c.Protocol = ProtocolBoth
		c.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
		c.ForceTLS = true
	})
	c, err := netsmtp.Dial(e.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Hello("relay.example.net"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := c.Extension("STARTTLS"); !ok {
		t.Fatal("STARTTLS not offered")
	}
	if err := c.Mail("sender@example.net"); err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Errorf("MAIL before STARTTLS: %v", err)
	}
	c.Reset()
	if err := c.StartTLS(clientTLS); err != nil {
		t.Fatal(err)
	}
	if err := c.Mail("sender@example.net"); err != nil {
		t.Fatalf("MAIL after STARTTLS: %v", err)
	}
	if err := c.Rcpt("bob@example.org"); err != nil {
		t.Fatal(err)
	}
	w, err := c.Data()
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("Subject: over tls\r\n\r\nhi\r\n"))
	if err := w.Close(); err != nil {
		t.Fatalf("DATA after STARTTLS: %v", err)
	}
	if got := strings.Join(e.inbox(t, "bob@example.org"), "|"); !strings.Contains(got, "over tls") {
		t.Errorf("bob's inbox: %q", got)
	}
}
