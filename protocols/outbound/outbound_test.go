package outbound

import (
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// relay is an in-process SMTP server that records what it is given.
type relay struct {
	mu   sync.Mutex
	msgs []relayed
	addr string
}

type relayed struct {
	from string
	to   []string
	data string
}

type relaySession struct {
	r   *relay
	cur relayed
}

func (s *relaySession) Reset()        { s.cur = relayed{} }
func (s *relaySession) Logout() error { return nil }
func (s *relaySession) Mail(from string, _ *smtp.MailOptions) error {
	s.cur.from = from
	return nil
}

func (s *relaySession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if strings.HasPrefix(to, "reject@") {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	}
	s.cur.to = append(s.cur.to, to)
	return nil
}

func (s *relaySession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.cur.data = string(b)
	s.r.mu.Lock()
	s.r.msgs = append(s.r.msgs, s.cur)
	s.r.mu.Unlock()
	return nil
}

func startRelay(t *testing.T) *relay {
	t.Helper()
	r := &relay{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &relaySession{r: r}, nil }))
	srv.Domain = "relay.test"
	srv.AllowInsecureAuth = true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	r.addr = ln.Addr().String()
	return r
}

func TestSMTPRelay(t *testing.T) {
	r := startRelay(t)
	s, err := New("smtp://" + r.addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	msg := "From: a@example.org\r\nTo: b@example.net\r\nSubject: hi\r\n\r\nbody\r\n"
	if err := s.Send(ctx, "a@example.org", []string{"b@example.net", "c@example.net"}, []byte(msg)); err != nil {
		t.Fatal(err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.msgs) != 1 {
		t.Fatalf("relay got %d messages", len(r.msgs))
	}
	m := r.msgs[0]
	if m.from != "a@example.org" || strings.Join(m.to, ",") != "b@example.net,c@example.net" || m.data != msg {
		t.Fatalf("relayed %+v", m)
	}
}

func TestSMTPRelayErrors(t *testing.T) {
	r := startRelay(t)
	s, _ := New("smtp://" + r.addr)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := s.Send(ctx, "a@example.org", []string{"reject@example.net"}, []byte("Subject: x\r\n\r\nx\r\n"))
	if err == nil || !strings.Contains(err.Error(), "550") || !strings.Contains(err.Error(), r.addr) {
		t.Fatalf("rejected recipient: %v", err)
	}
	// Nothing listening: a clear error naming the relay, not a hang.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := ln.Addr().String()
	ln.Close()
	s, _ = New("smtp://" + dead)
	err = s.Send(ctx, "a@example.org", []string{"b@example.net"}, []byte("Subject: x\r\n\r\nx\r\n"))
	if err == nil || !strings.Contains(err.Error(), dead) {
		t.Fatalf("dead relay: %v", err)
	}
}

func TestNewURLs(t *testing.T) {
	for _, u := range []string{"", "sendmail://localhost", "smtp://[::1]:25/", "smtp://mx", "smtp+tls://mx:587", "smtp+unverifiedtls://mx", "smtps://mx"} {
		if _, err := New(u); err != nil {
			t.Errorf("New(%q): %v", u, err)
		}
	}
	if s, _ := New("smtp://mx"); s.(*smtpSender).addr != "mx:25" {
		t.Errorf("default port: %s", s.(*smtpSender).addr)
	}
	if s, _ := New("smtps://mx"); s.(*smtpSender).addr != "mx:465" {
		t.Errorf("default smtps port: %s", s.(*smtpSender).addr)
	}
	for _, u := range []string{"lmtp://x", "localhost:25", "smtp://", "smtp://:25", "%zz"} {
		if _, err := New(u); err == nil || !strings.Contains(err.Error(), "outgoing_smtp_url") {
			t.Errorf("New(%q): want an error naming outgoing_smtp_url, got %v", u, err)
		}
	}
}

func TestSendmail(t *testing.T) {
	tmp := t.TempDir()
	script := filepath.Join(tmp, "sendmail")
	out := filepath.Join(tmp, "out")
	os.WriteFile(script, []byte("#!/bin/sh\nprintf '%s\\n' \"$@\" > "+out+".args\ncat > "+out+".msg\n"), 0o755)
	s := &sendmail{path: script}
	msg := "Subject: x\r\n\r\nbody\r\n"
	if err := s.Send(context.Background(), "a@example.org", []string{"-oi@example.net", "b@example.net"}, []byte(msg)); err != nil {
		t.Fatal(err)
	}
	args, _ := os.ReadFile(out + ".args")
	if got := strings.Fields(string(args)); strings.Join(got, " ") != "-i -f a@example.org -- -oi@example.net b@example.net" {
		t.Fatalf("args %q", got)
	}
	if got, _ := os.ReadFile(out + ".msg"); string(got) != msg {
		t.Fatalf("stdin %q", got)
	}

	os.WriteFile(script, []byte("#!/bin/sh\necho 'sendmail: fatal: queue full' >&2\nexit 75\n"), 0o755)
	err := s.Send(context.Background(), "a@example.org", []string{"b@example.net"}, []byte(msg))
	if err == nil || !strings.Contains(err.Error(), "queue full") || !strings.Contains(err.Error(), "75") {
		t.Fatalf("failing sendmail: %v", err)
	}
}
