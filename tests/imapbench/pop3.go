package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/textproto"
	"strconv"
	"strings"
)

// pop3Session is a logged-in POP3 session (RFC 1939) and its maildrop's
// message count.
type pop3Session struct {
	tp *textproto.Conn
	n  int
}

// cmd sends one command and reads its status line, which must be +OK.
func (s *pop3Session) cmd(format string, args ...any) (string, error) {
	if err := s.tp.PrintfLine(format, args...); err != nil {
		return "", err
	}
	return s.status(strings.Fields(format)[0])
}

func (s *pop3Session) status(what string) (string, error) {
	l, err := s.tp.ReadLine()
	if err != nil {
		return "", fmt.Errorf("%s: %w", what, err)
	}
	if !strings.HasPrefix(l, "+OK") {
		return l, fmt.Errorf("%s: %q", what, l)
	}
	return l, nil
}

// pop3Login connects, logs in with USER/PASS and reads STAT.
func (t *Target) pop3Login(ctx context.Context, w *Wire) (*pop3Session, error) {
	conn, err := t.dial(ctx, t.POP3Addr, w, false)
	if err != nil {
		return nil, err
	}
	s := &pop3Session{tp: textproto.NewConn(conn)}
	if _, err := s.status("greeting"); err != nil {
		s.tp.Close()
		return nil, err
	}
	if _, err := s.cmd("USER %s", t.User); err != nil {
		s.tp.Close()
		return nil, err
	}
	if _, err := s.cmd("PASS %s", t.Password); err != nil {
		s.tp.Close()
		return nil, err
	}
	l, err := s.cmd("STAT")
	if err != nil {
		s.tp.Close()
		return nil, err
	}
	f := strings.Fields(l)
	if len(f) < 3 {
		s.tp.Close()
		return nil, fmt.Errorf("STAT: %q", l)
	}
	s.n, err = strconv.Atoi(f[1])
	if err != nil {
		s.tp.Close()
		return nil, fmt.Errorf("STAT: %q", l)
	}
	return s, nil
}

func (s *pop3Session) quit() {
	s.cmd("QUIT")
	s.tp.Close()
}

// pop3Row RETRs every message of the maildrop passes times, spread over
// conc sessions; one operation per RETR, payload the message bytes as sent
// (dot-stuffed lines undone, CRLF counted as two bytes).
func pop3Row(ctx context.Context, t *Target, passes, conc int) (Result, error) {
	probe, err := t.pop3Login(ctx, nil)
	if err != nil {
		return Result{Row: "pop3-retr", Conc: conc}, err
	}
	n := probe.n
	probe.quit()
	if n == 0 {
		return Result{Row: "pop3-retr", Conc: conc}, fmt.Errorf("pop3: empty maildrop")
	}
	res, err := run(ctx, "pop3-retr", conc, passes*n, Worker[*pop3Session]{
		Open:  func(ctx context.Context, w *Wire) (*pop3Session, error) { return t.pop3Login(ctx, w) },
		Close: func(s *pop3Session) { s.quit() },
		Op: func(ctx context.Context, s *pop3Session, i int) (int, int64, error) {
			if _, err := s.cmd("RETR %d", i%n+1); err != nil {
				return 0, 0, err
			}
			// DotReader turns CRLF into LF: count the CRs back in.
			var lc lineCounter
			_, err := io.Copy(&lc, s.tp.DotReader())
			return 1, lc.bytes + lc.lines, err
		},
	})
	res.Extra = fmt.Sprintf("maildrop=%d", n)
	return res, err
}

// lineCounter discards what is written to it, counting bytes and lines.
type lineCounter struct{ bytes, lines int64 }

func (c *lineCounter) Write(p []byte) (int, error) {
	c.bytes += int64(len(p))
	c.lines += int64(bytes.Count(p, []byte{'\n'}))
	return len(p), nil
}
