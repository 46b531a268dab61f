package main

import (
	"bufio"
	"bytes"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"
)

// canned is a leanConn reading the server's side from s; what it sends
// goes to sent. Its first command gets the tag L1.
func canned(s string) *leanConn {
	return cannedTo(s, io.Discard)
}

func cannedTo(s string, sent io.Writer) *leanConn {
	return &leanConn{r: bufio.NewReaderSize(strings.NewReader(s), 16), w: bufio.NewWriter(sent)}
}

func TestLeanFetch(t *testing.T) {
	body := "Subject: x\r\n\r\n(unbalanced ) in a literal\r\n"
	cases := []struct {
		name, stream, want string
		n                  int
		payload            int64
		missing            int
		err                bool
	}{
		{
			name: "envelope",
			stream: "* 1 FETCH (UID 1 FLAGS (\\Seen) ENVELOPE (\"date\" \"a \\\"(quoted)\\\" subject\" NIL NIL NIL NIL NIL NIL NIL \"<id>\"))\r\n" +
				"* 2 EXISTS\r\n" +
				"* 2 FETCH (UID 2 FLAGS () ENVELOPE (\"date\" {5}\r\n(a)\r\n NIL NIL NIL NIL NIL NIL NIL NIL))\r\n" +
				"L1 OK done\r\n",
			want: "ENVELOPE (", n: 2, payload: 5,
		},
		{
			name:   "body literals",
			stream: "* 1 FETCH (UID 7 BODY[] {" + strconv.Itoa(len(body)) + "}\r\n" + body + ")\r\n* 2 FETCH (UID 8 BODY[] {0}\r\n)\r\nL1 OK\r\n",
			want:   "BODY[] ", n: 2, payload: int64(len(body)),
		},
		{
			name:   "an item missing, a response not whole",
			stream: "* 1 FETCH (UID 1 FLAGS ())\r\n* 2 FETCH (UID 2 BODYSTRUCTURE (\"text\" \"plain\")\r\n* 3 FETCH (UID 3 BODYSTRUCTURE (\"text\" \"plain\"))\r\nL1 OK\r\n",
			want:   "BODYSTRUCTURE (", n: 3, missing: 2,
		},
		{
			name:   "something after the last parenthesis",
			stream: "* 1 FETCH (UID 1 BODYSTRUCTURE (\"text\" \"plain\")) x\r\nL1 OK\r\n",
			want:   "BODYSTRUCTURE (", n: 1, missing: 1,
		},
		{
			name:   "NO",
			stream: "* 1 FETCH (UID 1 ENVELOPE (NIL))\r\nL1 NO no\r\n",
			want:   "ENVELOPE (", n: 1, err: true,
		},
		{
			name:   "cut off in a literal",
			stream: "* 1 FETCH (UID 1 BODY[] {100}\r\nshort",
			want:   "BODY[] ", payload: 5, err: true,
		},
		{
			name:   "cut off in a line",
			stream: "* 1 FETCH (UID 1 ENVELOPE (NIL",
			want:   "ENVELOPE (", err: true,
		},
		{
			name:   "BYE",
			stream: "* BYE going away\r\n",
			want:   "ENVELOPE (", err: true,
		},
		{
			// Untagged responses other than FETCH, and another
			// command's completion, are passed over.
			name:   "other responses",
			stream: "* OK [ALERT] hello\r\n* 3 EXPUNGE\r\nL2 OK not ours\r\nL1 OK\r\n",
			want:   "ENVELOPE (",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n, payload, missing, err := canned(tc.stream).fetch("UID X", tc.want)
			if n != tc.n || payload != tc.payload || missing != tc.missing || (err != nil) != tc.err {
				t.Errorf("fetch = %d, %d, %d, %v; want %d, %d, %d, error %v", n, payload, missing, err, tc.n, tc.payload, tc.missing, tc.err)
			}
		})
	}
}

// FuzzLeanFetch: whatever a server sends, reading it ends (with an error
// at the end of the stream at the latest) and does not panic.
func FuzzLeanFetch(f *testing.F) {
	f.Add("* 1 FETCH (UID 1 BODY[] {3}\r\nabc)\r\nL1 OK\r\n")
	f.Add("* 1 FETCH (ENVELOPE (\"\\\"\" {2}\r\n()))\r\nL1 NO\r\n")
	f.Add("* 1 FETCH (UID 1 BODY[] {99999999999999999999}\r\n")
	f.Add("* 1 FETCH (UID 1 BINARY[] ~{-1}\r\nL1 OK\r\n")
	f.Fuzz(func(t *testing.T, s string) {
		n, _, missing, _ := canned(s).fetch("UID X", "ENVELOPE (")
		if missing > n {
			t.Fatalf("%d missing of %d", missing, n)
		}
	})
}

func TestPOP3Multiline(t *testing.T) {
	s := &pop3Session{r: bufio.NewReaderSize(strings.NewReader("a\r\n..b\r\n\r\n.\r\nnext"), 16)}
	n, err := s.multiline()
	// "a\r\n" + ".b\r\n" (unstuffed) + "\r\n"
	if n != 3+4+2 || err != nil {
		t.Errorf("multiline = %d, %v; want 9", n, err)
	}
	if rest, _ := io.ReadAll(s.r); string(rest) != "next" {
		t.Errorf("read past the end: %q left", rest)
	}
	s = &pop3Session{r: bufio.NewReader(strings.NewReader("a\r\nb\r\n"))}
	if _, err := s.multiline(); err == nil {
		t.Error("no error for a response without its end")
	}
	s = &pop3Session{r: bufio.NewReader(strings.NewReader("a\nb\r\n.\r\n"))}
	if _, err := s.multiline(); err == nil {
		t.Error("no error for a bare LF")
	}
}

func TestLeanSelect(t *testing.T) {
	c := canned("* FLAGS (\\Seen)\r\n* 2000 EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY 7] x\r\nL1 OK [READ-WRITE] done\r\n")
	if err := c.selectBox("INBOX"); err != nil || c.exists != 2000 {
		t.Errorf("selectBox: exists %d, %v; want 2000", c.exists, err)
	}
	if err := canned("L1 NO [NONEXISTENT] no\r\n").selectBox("x"); err == nil {
		t.Error("no error for NO")
	}
}

func TestLeanAppend(t *testing.T) {
	m := Message{Raw: []byte("Subject: a\r\n\r\nb\r\n"), Date: time.Date(2026, 3, 4, 5, 6, 7, 0, time.FixedZone("", -(2*3600+1800))), Seen: true}
	var sent bytes.Buffer
	c := cannedTo("* 3 EXISTS\r\nL1 OK [APPENDUID 9 3] done\r\n", &sent)
	if err := c.append(`a "b"`, m); err != nil {
		t.Fatal(err)
	}
	want := "L1 APPEND \"a \\\"b\\\"\" (\\Seen) \" 4-Mar-2026 05:06:07 -0230\" {17+}\r\nSubject: a\r\n\r\nb\r\n\r\n"
	if sent.String() != want {
		t.Errorf("sent %q, want %q", sent.String(), want)
	}
	m.Seen = false
	for stream, ok := range map[string]bool{
		"L1 OK [APPENDUID 9 4] done\r\n": true,
		"L1 OK done\r\n":                 false, // no UID reported
		"L1 NO [TRYCREATE] no\r\n":       false,
		"* BYE\r\n":                      false,
	} {
		if err := canned(stream).append("x", m); (err == nil) != ok {
			t.Errorf("%q: %v", stream, err)
		}
	}
}
