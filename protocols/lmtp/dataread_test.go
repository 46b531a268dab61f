package lmtp

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/emersion/go-smtp"
)

// refUnstuff is go-smtp's DATA state machine one byte at a time: the
// reference unstuff must match.
func refUnstuff(in []byte, limit int64) (out []byte, state int, err error) {
	i := 0
	for state != stateEOF {
		if limit >= 0 && int64(len(out)) >= limit {
			return out, state, smtp.ErrDataTooLarge
		}
		if i == len(in) {
			return out, state, io.ErrUnexpectedEOF
		}
		c := in[i]
		i++
		keep := true
		switch state {
		case stateBeginLine:
			switch c {
			case '.':
				state, keep = stateDot, false
			case '\r':
				state = stateCR
			default:
				state = stateData
			}
		case stateDot:
			if c == '\r' {
				state, keep = stateDotCR, false
			} else {
				state = stateData
			}
		case stateDotCR:
			if c == '\n' {
				state, keep = stateEOF, false
			} else {
				state = stateData
			}
		case stateCR:
			if c == '\n' {
				state = stateBeginLine
			} else {
				state = stateData
			}
		case stateData:
			if c == '\r' {
				state = stateCR
			}
		}
		if keep {
			out = append(out, c)
		}
	}
	return out, state, nil
}

func checkUnstuff(t *testing.T, in []byte, limit int64, bufSize int) {
	t.Helper()
	want, wantState, wantErr := refUnstuff(in, limit)
	br := bufio.NewReaderSize(iotest.HalfReader(bytes.NewReader(in)), bufSize)
	state := stateBeginLine
	got, err := unstuff(br, &state, nil, limit)
	if !bytes.Equal(got, want) || state != wantState || !errors.Is(err, wantErr) && err != wantErr {
		t.Fatalf("unstuff(%q, limit %d, buffer %d) = %q, state %d, %v; want %q, state %d, %v", in, limit, bufSize, got, state, err, want, wantState, wantErr)
	}
	if err == nil {
		// What follows the end marker is left for the next command.
		rest, _ := io.ReadAll(br)
		if n := len(in) - len(rest); !bytes.Equal(rest, in[n:]) {
			t.Fatalf("unstuff(%q) left %q", in, rest)
		}
	}
}

func TestUnstuffMatchesStateMachine(t *testing.T) {
	cases := []string{
		"", ".\r\n", "a\r\n.\r\n", "..\r\n.\r\n", ".a\r\n.\r\n", "a\n.\r\n.\r\n",
		"a\r\r\n.\r\n.\r\n", ".\r.\r\n.\r\n", ".\rx\r\n.\r\n", "\r\n\r\n.\r\n",
		"line\r\n..dots\r\n...\r\n.\r\nNEXT COMMAND\r\n", "no end", "a\r\n.\r",
		strings.Repeat("x", 5000) + "\r\n." + strings.Repeat("y", 300) + "\r\n.\r\n",
		"bare\nlf\n.\nstill data\r\n.\r\n", "\r\r\r\n.\r\n", "\r.\r\n.\r\n",
	}
	for _, c := range cases {
		for _, limit := range []int64{-1, 0, 1, 3, 7, 100, 4999, 5001} {
			for _, size := range []int{16, 4096} {
				checkUnstuff(t, []byte(c), limit, size)
			}
		}
	}
}

func FuzzUnstuff(f *testing.F) {
	f.Add([]byte("a\r\n..b\r\n.\r\n"), int64(-1), uint8(0))
	f.Add([]byte(".\r.\r\n\r\r\n.\r\n"), int64(5), uint8(3))
	f.Fuzz(func(t *testing.T, in []byte, limit int64, size uint8) {
		if limit < -1 {
			limit = -1
		}
		checkUnstuff(t, in, limit, 16+int(size))
	})
}

// dataBackend is a go-smtp LMTP backend whose sessions read DATA with
// readMessage, recording what they read and whether the fast path ran.
type dataBackend struct{ got chan dataRead }

type dataRead struct {
	raw  []byte
	fast bool
	err  error
}

type dataSession struct {
	b *dataBackend
	c *smtp.Conn
}

func (b *dataBackend) NewSession(c *smtp.Conn) (smtp.Session, error) { return dataSession{b, c}, nil }
func (dataSession) Mail(string, *smtp.MailOptions) error             { return nil }
func (dataSession) Rcpt(string, *smtp.RcptOptions) error             { return nil }
func (dataSession) Reset()                                           {}
func (dataSession) Logout() error                                    { return nil }
func (s dataSession) Data(r io.Reader) error {
	fast := smtpDataReader(r) != nil && connLineLimiter(s.c) != nil
	raw, err := readMessage(r, 0, s.c)
	s.b.got <- dataRead{raw, fast, err}
	return err
}

// TestReadDataAsGoSMTP sends the corpus and odd DATA bodies to a go-smtp
// server over TCP twice, read by readData and by go-smtp's own reader, and
// compares what the session got, and that the command after DATA still
// works (the reader stops at the end marker). A message line longer than
// go-smtp's limit for command lines is delivered, and that limit is back
// for the next command.
func TestReadDataAsGoSMTP(t *testing.T) {
	bodies := []string{
		"Subject: a\r\n\r\n..leading dot\r\n.\r\n", "x\r\n.\r\n",
		"bare lf\n.\nnot the end\r\n.\r\n", "cr\r\r\n.\r\nend\r\n.\r\n",
		strings.Repeat("long line ", 150) + "\r\n.\r\n",
	}
	corpus, _ := filepath.Glob(filepath.Join("..", "..", "..", "shared", "fixtures", "upstream-3.10", "corpus", "*.eml"))
	if len(corpus) == 0 {
		t.Fatal("no corpus messages")
	}
	for _, p := range corpus {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		bodies = append(bodies, string(stuff(b)))
	}
	read := func(fast bool, body string, after ...string) dataRead {
		fastData = fast
		defer func() { fastData = true }()
		be := &dataBackend{got: make(chan dataRead, 1)}
		srv := smtp.NewServer(be)
		srv.LMTP = true
		srv.MaxMessageBytes = 64 << 20
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		go srv.Serve(ln)
		defer srv.Close()
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		br := bufio.NewReader(c)
		expect := func(code string) {
			t.Helper()
			for {
				line, err := br.ReadString('\n')
				if err != nil {
					t.Fatalf("reading reply: %v", err)
				}
				if !strings.HasPrefix(line, code) {
					t.Fatalf("reply %q, want %s", line, code)
				}
				if len(line) > 3 && line[3] == ' ' {
					return
				}
			}
		}
		expect("220")
		fmt.Fprintf(c, "LHLO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n")
		expect("250")
		expect("250")
		expect("250")
		expect("354")
		io.WriteString(c, body)
		got := <-be.got
		expect("250")
		fmt.Fprintf(c, "NOOP\r\n")
		expect("250")
		for _, cmd := range after {
			io.WriteString(c, cmd)
			expect("500")
		}
		return got
	}
	for i, body := range bodies {
		fast, slow := read(true, body), read(false, body)
		if !fast.fast || slow.fast {
			t.Fatalf("body %d: fast path used %v with it on, %v with it off", i, fast.fast, slow.fast)
		}
		if !bytes.Equal(fast.raw, slow.raw) || fast.err != nil || slow.err != nil {
			t.Fatalf("body %d: readData %q (%v), go-smtp %q (%v)", i, fast.raw, fast.err, slow.raw, slow.err)
		}
	}
	long := "Subject: long\r\n\r\n" + strings.Repeat("x", 50000) + "\r\n"
	got := read(true, long+".\r\n", "NOOP "+strings.Repeat("y", 3000)+"\r\n")
	if got.err != nil || string(got.raw) != long {
		t.Fatalf("a line of 50,000 bytes: %d bytes read, %v", len(got.raw), got.err)
	}
}

// stuff makes msg DATA's wire form: CRLF line ends, leading dots doubled,
// the end marker after it.
func stuff(msg []byte) []byte {
	var out []byte
	for line := range bytes.Lines(msg) {
		line = bytes.TrimRight(line, "\r\n")
		if len(line) > 0 && line[0] == '.' {
			out = append(out, '.')
		}
		out = append(out, line...)
		out = append(out, "\r\n"...)
	}
	return append(out, ".\r\n"...)
}

// TestBDATThenLongCommand: a message with a 5,000-byte line sent with BDAT
// (CHUNKING, whose chunks go-smtp reads itself, the start of each through
// its line limit) or with DATA is delivered, and after it a command line
// over the limit is refused: the limit is back.
func TestBDATThenLongCommand(t *testing.T) {
	e := newEnv(t, 1<<20)
	for _, useBDAT := range []bool{true, false} {
		c, err := net.Dial("tcp", e.addr)
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(20 * time.Second))
		br := bufio.NewReader(c)
		reply := func(code string) {
			t.Helper()
			for {
				l, err := br.ReadString('\n')
				if err != nil {
					t.Fatalf("BDAT %v: waiting for %s: %v", useBDAT, code, err)
				}
				if !strings.HasPrefix(l, code) {
					t.Fatalf("BDAT %v: reply %q, want %s", useBDAT, l, code)
				}
				if len(l) > 3 && l[3] == ' ' {
					return
				}
			}
		}
		reply("220")
		io.WriteString(c, "LHLO x\r\n")
		reply("250")
		io.WriteString(c, "MAIL FROM:<a@example.net>\r\n")
		reply("250")
		io.WriteString(c, "RCPT TO:<bob@example.org>\r\n")
		reply("250")
		// A line longer than any command line may be (maxLineLength), in
		// BDAT chunks and in DATA.
		msg := "Subject: lines\r\n\r\n" + strings.Repeat("z", 100_000) + "\r\n"
		if useBDAT {
			fmt.Fprintf(c, "BDAT %d\r\n%s", 20, msg[:20])
			reply("250")
			fmt.Fprintf(c, "BDAT %d LAST\r\n%s", len(msg)-20, msg[20:])
		} else {
			io.WriteString(c, "DATA\r\n")
			reply("354")
			io.WriteString(c, msg+".\r\n")
		}
		reply("250")
		io.WriteString(c, "NOOP "+strings.Repeat("y", maxLineLength)+"\r\n")
		reply("500")
		c.Close()
	}
	if got := e.inbox(t, "bob@example.org"); len(got) != 2 {
		t.Fatalf("bob has %d messages, want 2", len(got))
	}
}

func TestSizeHintBounded(t *testing.T) {
	for _, c := range []struct {
		hint, limit int64
		want        int
	}{
		{0, -1, 64<<10 + 512},
		{1000, -1, 1512},
		{1000, 800, 800},
		{64 << 20, 64 << 20, maxSizeHint}, // SIZE alone never allocates 64 MiB
	} {
		if got := sizeHint(c.hint, c.limit); got != c.want {
			t.Errorf("sizeHint(%d, %d) = %d, want %d", c.hint, c.limit, got, c.want)
		}
	}
}
