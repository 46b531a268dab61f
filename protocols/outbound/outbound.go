// Package outbound hands finished messages to the mail transfer agent, as
// upstream's outgoing_smtp_url selects (gromox.cfg(5)):
//
//	sendmail://localhost           the local maildrop, /usr/sbin/sendmail (host ignored)
//	smtp://host:port               SMTP without TLS
//	smtp+tls://host:port           SMTP with STARTTLS
//	smtp+unverifiedtls://host:port STARTTLS without certificate validation
//	smtps://host:port              SMTP over implicit TLS
//
// SMTP transports are unqueued: an unreachable relay is an error for the
// caller, as upstream documents; sendmail:// leaves queueing to the MTA.
package outbound

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/emersion/go-smtp"
)

// Sender submits one message for the envelope sender from (empty: the null
// sender) to the envelope recipients to.
type Sender interface {
	Send(ctx context.Context, from string, to []string, msg []byte) error
}

// DefaultURL is upstream's outgoing_smtp_url default.
const DefaultURL = "sendmail://localhost"

// SendmailPath is the maildrop command sendmail:// runs.
const SendmailPath = "/usr/sbin/sendmail"

// New returns the Sender for an outgoing_smtp_url ("" means DefaultURL).
func New(rawURL string) (Sender, error) {
	if rawURL == "" {
		rawURL = DefaultURL
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("outbound: outgoing_smtp_url %q: %w", rawURL, err)
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme == "sendmail" {
		return &sendmail{path: SendmailPath}, nil
	}
	var s smtpSender
	switch scheme {
	case "smtp":
	case "smtp+tls":
		s.startTLS = true
	case "smtp+unverifiedtls":
		s.startTLS, s.insecure = true, true
	case "smtps":
		s.implicitTLS = true
	case "":
		return nil, fmt.Errorf("outbound: outgoing_smtp_url %q: no scheme (want sendmail:// or smtp://host:port)", rawURL)
	default:
		return nil, fmt.Errorf("outbound: outgoing_smtp_url %q: unknown scheme %q (want sendmail, smtp, smtp+tls, smtp+unverifiedtls or smtps)", rawURL, u.Scheme)
	}
	host, port := u.Hostname(), u.Port()
	if host == "" {
		return nil, fmt.Errorf("outbound: outgoing_smtp_url %q: no host", rawURL)
	}
	if port == "" {
		port = "25"
		if s.implicitTLS {
			port = "465"
		}
	}
	s.host, s.addr = host, net.JoinHostPort(host, port)
	return &s, nil
}

// sendmail runs the local maildrop command.
type sendmail struct{ path string }

func (s *sendmail) Send(ctx context.Context, from string, to []string, msg []byte) error {
	if len(to) == 0 {
		return errors.New("outbound: sendmail: no recipients")
	}
	args := []string{"-i", "-f", from, "--"}
	args = append(args, to...)
	cmd := exec.CommandContext(ctx, s.path, args...)
	cmd.Stdin = bytes.NewReader(msg)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		detail := strings.TrimSpace(out.String())
		if len(detail) > 500 {
			detail = detail[:500]
		}
		if detail != "" {
			return fmt.Errorf("outbound: %s: %w: %s", s.path, err, detail)
		}
		return fmt.Errorf("outbound: %s: %w", s.path, err)
	}
	return nil
}

// smtpSender talks SMTP to a relay, one connection per message.
type smtpSender struct {
	addr, host  string
	startTLS    bool
	insecure    bool
	implicitTLS bool
}

func (s *smtpSender) Send(ctx context.Context, from string, to []string, msg []byte) error {
	if len(to) == 0 {
		return errors.New("outbound: smtp: no recipients")
	}
	d := net.Dialer{Timeout: 30 * time.Second}
	conn, err := d.DialContext(ctx, "tcp", s.addr)
	if err != nil {
		return fmt.Errorf("outbound: smtp relay %s: %w", s.addr, err)
	}
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(5 * time.Minute)
	}
	conn.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Now()) })
	defer stop()
	tcfg := &tls.Config{ServerName: s.host, InsecureSkipVerify: s.insecure}
	var c *smtp.Client
	switch {
	case s.implicitTLS:
		c = smtp.NewClient(tls.Client(conn, tcfg))
	case s.startTLS:
		if c, err = smtp.NewClientStartTLS(conn, tcfg); err != nil {
			conn.Close()
			return fmt.Errorf("outbound: smtp relay %s: STARTTLS: %w", s.addr, err)
		}
	default:
		c = smtp.NewClient(conn)
	}
	defer c.Close()
	if rem := time.Until(deadline); rem > 0 {
		// go-smtp sets a deadline per command; keep it within ctx's.
		c.CommandTimeout, c.SubmissionTimeout = min(rem, c.CommandTimeout), min(rem, c.SubmissionTimeout)
	}
	name, _ := os.Hostname()
	if name == "" {
		name = "localhost"
	}
	if err := c.Hello(name); err != nil {
		return fmt.Errorf("outbound: smtp relay %s: %w", s.addr, err)
	}
	if err := c.SendMail(from, to, bytes.NewReader(msg)); err != nil {
		return fmt.Errorf("outbound: smtp relay %s: %w", s.addr, err)
	}
	c.Quit()
	return nil
}
