package imapmsg

import (
	"strings"
	"testing"

	imap "github.com/emersion/go-imap/v2"
)

const mixedMsg = `From: a@example.org
Subject: mixed
Content-Type: multipart/mixed; boundary="outer"; foo=bar
Content-Language: de, en
Content-Location: http://example.org/
 msg

preamble
--outer
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable
Content-Language: de

Gr=C3=BC=C3=9Fe
zweite Zeile
--outer
Content-Type: application/pdf; name*0*=utf-8''Pr%C3%BCf;
 name*1*=bericht.pdf
Content-Transfer-Encoding: base64
Content-ID: <part2@example.org>
Content-Description: the report
Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==
Content-Disposition: attachment;
 filename*0*=iso-8859-1''Pr%FC;
 filename*1=fbericht.pdf; size=6

aGVsbG8K
--outer--
epilogue
`

func TestBodyStructure(t *testing.T) {
	tests := []struct {
		name     string
		msg      string
		body     string // BODY
		extended string // BODYSTRUCTURE
	}{{
		// RFC 2045 5.2: no Content-Type is text/plain; charset=us-ascii.
		name:     "default type",
		msg:      "Subject: x\n\nhello\nworld\n",
		body:     `("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 14 2)`,
		extended: `("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 14 2 NIL NIL NIL NIL)`,
	}, {
		name: "multipart with extension data",
		msg:  mixedMsg,
		body: `(("text" "plain" ("charset" "utf-8") NIL NIL "quoted-printable" 29 1)` +
			`("application" "pdf" ("name" "Prüfbericht.pdf") "<part2@example.org>" "the report" "base64" 8) "mixed")`,
		// The multipart's parameters include its boundary (RFC 9051 7.5.2,
		// body-ext-mpart); RFC 2231 values are joined and decoded to UTF-8,
		// from ISO-8859-1 too.
		extended: `(("text" "plain" ("charset" "utf-8") NIL NIL "quoted-printable" 29 1 NIL NIL ("de") NIL)` +
			`("application" "pdf" ("name" "Prüfbericht.pdf") "<part2@example.org>" "the report" "base64" 8 NIL ("attachment" ("filename" "Prüfbericht.pdf" "size" "6")) NIL NIL)` +
			` "mixed" ("boundary" "outer" "foo" "bar") NIL ("de" "en") "http://example.org/msg")`,
	}, {
		name: "message/rfc822",
		msg: `Content-Type: multipart/mixed; boundary=b

--b
Content-Type: message/rfc822

From: "Doe, John" <john@example.org>
Subject: inner
Date: Mon, 01 Jan 2024 09:00:00 +0000
Content-Type: text/plain

one
two
--b--
`,
		body: `(("message" "rfc822" NIL NIL NIL "7bit" 129 ` +
			`("Mon, 01 Jan 2024 09:00:00 +0000" "inner" (("Doe, John" NIL "john" "example.org")) (("Doe, John" NIL "john" "example.org")) (("Doe, John" NIL "john" "example.org")) NIL NIL NIL NIL NIL) ` +
			`("text" "plain" NIL NIL NIL "7bit" 8 1) 6) "mixed")`,
		extended: `(("message" "rfc822" NIL NIL NIL "7bit" 129 ` +
			`("Mon, 01 Jan 2024 09:00:00 +0000" "inner" (("Doe, John" NIL "john" "example.org")) (("Doe, John" NIL "john" "example.org")) (("Doe, John" NIL "john" "example.org")) NIL NIL NIL NIL NIL) ` +
			`("text" "plain" NIL NIL NIL "7bit" 8 1 NIL NIL NIL NIL) 6 NIL NIL NIL NIL) "mixed" ("boundary" "b") NIL NIL NIL)`,
	}, {
		// RFC 2046 5.1.5: in multipart/digest the default is message/rfc822.
		name: "digest",
		msg: `Content-Type: multipart/digest; boundary=d

--d

Subject: one

body
--d
Content-Type: text/plain

not a message
--d--
`,
		body: `(("message" "rfc822" NIL NIL NIL "7bit" 20 (NIL "one" NIL NIL NIL NIL NIL NIL NIL NIL) ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 4 0) 2)` +
			`("text" "plain" NIL NIL NIL "7bit" 13 0) "digest")`,
	}, {
		// "--b-alt" starts with the outer delimiter "--b" but is not one
		// (RFC 2046 5.1.1: only white space may follow the boundary).
		name: "boundary prefix of inner boundary",
		msg: `Content-Type: multipart/mixed; boundary="b"

--b
Content-Type: multipart/alternative; boundary="b-alt"

--b-alt
Content-Type: text/plain

plain
--b-alt
Content-Type: text/html

<p>html</p>
--b-alt--
--b
Content-Type: text/plain; name=x.txt

att
--b--
`,
		body: `((("text" "plain" NIL NIL NIL "7bit" 5 0)("text" "html" NIL NIL NIL "7bit" 11 0) "alternative")` +
			`("text" "plain" ("name" "x.txt") NIL NIL "7bit" 3 0) "mixed")`,
	}, {
		name: "missing close delimiter",
		msg:  "Content-Type: multipart/mixed; boundary=b\n\n--b\n\none\n--b\n\ntwo\n",
		body: `(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 3 0)("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 5 1) "mixed")`,
	}, {
		// A multipart without delimiter lines or boundary parameter is
		// one text part, so that the grammar (at least one body) holds.
		name: "no delimiter line",
		msg:  "Content-Type: multipart/mixed; boundary=b\n\njust text\n",
		body: `("text" "plain" ("boundary" "b") NIL NIL "7bit" 11 1)`,
	}, {
		name: "no boundary parameter",
		msg:  "Content-Type: multipart/mixed\n\n--b\n\ntext\n--b--\n",
		body: `("text" "plain" NIL NIL NIL "7bit" 20 4)`,
	}, {
		// Sizes and lines are counted on the raw bytes: bare LF and CRLF
		// mixed; a header without body.
		name: "bare LF",
		msg:  "Content-Type: text/plain; charset=utf-8\n\na\r\nb\nc",
		body: `("text" "plain" ("charset" "utf-8") NIL NIL "7bit" 6 2)`,
	}, {
		name: "header only",
		msg:  "Subject: no body",
		body: `("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0)`,
	}, {
		name: "empty message",
		msg:  "",
		body: `("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0)`,
	}, {
		name: "comments and case in content type",
		msg:  "Content-Type: (c) TEXT/HTML (x); CHARSET=\"ISO-8859-1\" (y)\nContent-Transfer-Encoding: Base64 (z)\n\nYQ==\n",
		body: `("text" "html" ("charset" "ISO-8859-1") NIL NIL "base64" 6 1)`,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			raw := []byte(tc.msg)
			if !strings.Contains(tc.msg, "\r") {
				raw = crlf(tc.msg)
			}
			if tc.name == "bare LF" {
				raw = []byte(tc.msg)
			}
			m := Parse(raw)
			if got := wireBS(m.BodyStructure(false), false); got != tc.body {
				t.Errorf("BODY\n got %s\nwant %s", got, tc.body)
			}
			if tc.extended != "" {
				if got := wireBS(m.BodyStructure(true), true); got != tc.extended {
					t.Errorf("BODYSTRUCTURE\n got %s\nwant %s", got, tc.extended)
				}
			}
			checkSizes(t, m)
		})
	}
}

// checkSizes asserts that every part's size is the length of BODY[part] and
// that text line counts are the line ends in it.
func checkSizes(t testing.TB, m *Message) {
	t.Helper()
	m.BodyStructure(true).Walk(func(path []int, bs imap.BodyStructure) bool {
		sp, ok := bs.(*imap.BodyStructureSinglePart)
		if !ok {
			return true
		}
		sec := m.Section(&imap.FetchItemBodySection{Part: path})
		if int(sp.Size) != len(sec) {
			t.Errorf("part %v: size %d, BODY[part] has %d octets", path, sp.Size, len(sec))
		}
		if sp.Text != nil && sp.Text.NumLines != int64(strings.Count(string(sec), "\n")) {
			t.Errorf("part %v: %d lines, BODY[part] has %d", path, sp.Text.NumLines, strings.Count(string(sec), "\n"))
		}
		return true
	})
}

func TestContentMD5(t *testing.T) {
	m := Parse(crlf(mixedMsg))
	if got := m.ContentMD5([]int{2}); got != "Q2hlY2sgSW50ZWdyaXR5IQ==" {
		t.Errorf("ContentMD5(2) = %q", got)
	}
	if got := m.ContentMD5([]int{1}); got != "" {
		t.Errorf("ContentMD5(1) = %q, want empty", got)
	}
	if got := m.ContentMD5([]int{9}); got != "" {
		t.Errorf("ContentMD5(9) = %q, want empty", got)
	}
}

// TestNestingBound: a nesting bomb is cut at MaxDepth levels; the innermost
// multipart is reported as a text part and part numbers still resolve.
func TestNestingBound(t *testing.T) {
	const n = 3 * MaxDepth
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString("Content-Type: multipart/mixed; boundary=b" + strings.Repeat("x", i) + "\r\n\r\n--b" + strings.Repeat("x", i) + "\r\n")
	}
	b.WriteString("\r\ndeep\r\n")
	m := Parse([]byte(b.String()))
	depth := 0
	var leaf *imap.BodyStructureSinglePart
	var leafPath []int
	m.BodyStructure(true).Walk(func(path []int, bs imap.BodyStructure) bool {
		depth = max(depth, len(path))
		if sp, ok := bs.(*imap.BodyStructureSinglePart); ok {
			leaf, leafPath = sp, path
		}
		return true
	})
	if depth != MaxDepth {
		t.Errorf("depth %d, want %d", depth, MaxDepth)
	}
	if leaf == nil || leaf.MediaType() != "text/plain" {
		t.Fatalf("innermost part %+v, want text/plain", leaf)
	}
	if got := m.Section(&imap.FetchItemBodySection{Part: leafPath}); len(got) != int(leaf.Size) || len(got) == 0 {
		t.Errorf("BODY[%v] has %d octets, size %d", leafPath, len(got), leaf.Size)
	}

	// Encapsulated messages: beyond the bound, application/octet-stream.
	b.Reset()
	for i := 0; i < n; i++ {
		b.WriteString("Content-Type: message/rfc822\r\n\r\n")
	}
	m = Parse([]byte(b.String()))
	bs := m.BodyStructure(false)
	levels := 0
	for {
		sp := bs.(*imap.BodyStructureSinglePart)
		if sp.MessageRFC822 == nil {
			if sp.MediaType() != "application/octet-stream" {
				t.Errorf("innermost %s", sp.MediaType())
			}
			break
		}
		levels++
		bs = sp.MessageRFC822.BodyStructure
	}
	if levels != MaxDepth {
		t.Errorf("%d message levels, want %d", levels, MaxDepth)
	}
}

func TestManyParts(t *testing.T) {
	var b strings.Builder
	b.WriteString("Content-Type: multipart/mixed; boundary=b\r\n\r\n")
	for i := 0; i < 2*MaxParts; i++ {
		b.WriteString("--b\r\n\r\nx\r\n")
	}
	b.WriteString("--b--\r\n")
	m := Parse([]byte(b.String()))
	mp := m.BodyStructure(false).(*imap.BodyStructureMultiPart)
	if len(mp.Children) >= MaxParts {
		t.Errorf("%d parts, want fewer than %d", len(mp.Children), MaxParts)
	}
	last := mp.Children[len(mp.Children)-1].(*imap.BodyStructureSinglePart)
	if last.Size < 100 {
		t.Errorf("last part has %d octets, want the rest of the message", last.Size)
	}
	checkSizes(t, m)
}
