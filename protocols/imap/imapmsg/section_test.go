package imapmsg

import (
	"bytes"
	"errors"
	"testing"

	imap "github.com/emersion/go-imap/v2"
)

const rfc822Msg = `Subject: outer
Content-Type: multipart/mixed; boundary=b

--b
Content-Type: text/plain

first
--b
Content-Type: message/rfc822
Content-Disposition: attachment; filename=inner.eml

From: x@example.org
Subject: inner
 folded

one
two
--b--
`

func TestSection(t *testing.T) {
	mixed := crlf(mixedMsg)
	nested := crlf(rfc822Msg)
	single := crlf("Subject: s\nX-A: 1\n\nbody\n")
	hdrOnly := []byte("Subject: x\nX-Long: a\n b")
	sec := func(spec imap.PartSpecifier, part ...int) *imap.FetchItemBodySection {
		return &imap.FetchItemBodySection{Specifier: spec, Part: part}
	}
	fields := func(not bool, names ...string) *imap.FetchItemBodySection {
		s := &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader}
		if not {
			s.HeaderFieldsNot = names
		} else {
			s.HeaderFields = names
		}
		return s
	}
	partialOf := func(s *imap.FetchItemBodySection, off, n int64) *imap.FetchItemBodySection {
		s.Partial = &imap.SectionPartial{Offset: off, Size: n}
		return s
	}
	mixedHeader := mixed[:bytes.Index(mixed, []byte("\r\n\r\n"))+4]
	tests := []struct {
		name string
		raw  []byte
		item *imap.FetchItemBodySection
		want string
	}{
		{"whole", mixed, sec(""), string(mixed)},
		{"HEADER includes the blank line", mixed, sec("HEADER"), string(mixedHeader)},
		{"TEXT", mixed, sec("TEXT"), string(mixed[len(mixedHeader):])},
		{"HEADER.FIELDS byte-exact with continuation", mixed, fields(false, "SUBJECT", "content-location", "X-None"),
			"Subject: mixed\r\nContent-Location: http://example.org/\r\n msg\r\n\r\n"},
		{"HEADER.FIELDS nothing matches", mixed, fields(false, "X-None"), "\r\n"},
		{"HEADER.FIELDS.NOT", mixed, fields(true, "Content-Type", "Content-Language", "Content-Location"),
			"From: a@example.org\r\nSubject: mixed\r\n\r\n"},
		// RFC 9051 6.4.5: the CRLF before a delimiter belongs to it.
		{"part 1 ends before the CRLF of the delimiter", mixed, sec("", 1), "Gr=C3=BC=C3=9Fe\r\nzweite Zeile"},
		{"part 2", mixed, sec("", 2), "aGVsbG8K"},
		{"1.MIME", mixed, sec("MIME", 1),
			"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\nContent-Language: de\r\n\r\n"},
		{"no part 3", mixed, sec("", 3), ""},
		{"no part 0", mixed, sec("", 0), ""},
		{"leaf has no 1.1", mixed, sec("", 1, 1), ""},
		{"HEADER of a non-message part", mixed, sec("HEADER", 1), ""},
		{"MIME of the message", mixed, sec("MIME"), ""},
		{"partial", mixed, partialOf(sec("", 1), 0, 5), "Gr=C3"},
		{"partial past the end of the part", mixed, partialOf(sec("", 1), 24, 100), "Zeile"},
		{"partial origin past the end", mixed, partialOf(sec("", 1), 1000, 5), ""},
		{"partial of HEADER.FIELDS", mixed, partialOf(fields(false, "From"), 6, 7), "a@examp"},
		// RFC 9051 6.4.5: part 1 of a non-multipart message is its body.
		{"part 1 of a single-part message", single, sec("", 1), "body\r\n"},
		{"no part 2 of a single-part message", single, sec("", 2), ""},
		{"no part 1.1 of a single-part message", single, sec("", 1, 1), ""},
		{"message/rfc822 part is the whole message", nested, sec("", 2),
			"From: x@example.org\r\nSubject: inner\r\n folded\r\n\r\none\r\ntwo"},
		{"2.HEADER", nested, sec("HEADER", 2), "From: x@example.org\r\nSubject: inner\r\n folded\r\n\r\n"},
		{"2.HEADER.FIELDS", nested, &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, Part: []int{2}, HeaderFields: []string{"subject"}},
			"Subject: inner\r\n folded\r\n\r\n"},
		{"2.TEXT", nested, sec("TEXT", 2), "one\r\ntwo"},
		{"2.1 is the body of the encapsulated message", nested, sec("", 2, 1), "one\r\ntwo"},
		{"2.MIME", nested, sec("MIME", 2), "Content-Type: message/rfc822\r\nContent-Disposition: attachment; filename=inner.eml\r\n\r\n"},
		{"no 2.2", nested, sec("", 2, 2), ""},
		{"header without body or line end", hdrOnly, sec("HEADER"), string(hdrOnly)},
		{"HEADER.FIELDS of a last field without line end", hdrOnly, fields(false, "x-long"), "X-Long: a\n b\r\n\r\n"},
		{"TEXT of a header-only message", hdrOnly, sec("TEXT"), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, m := range []*Message{Parse(tc.raw), ParseHeader(tc.raw)} {
				got := m.Section(tc.item)
				if got == nil {
					t.Fatal("nil section")
				}
				if string(got) != tc.want {
					t.Errorf("got %q\nwant %q", got, tc.want)
				}
			}
		})
	}
}

func TestBinary(t *testing.T) {
	m := Parse(crlf(mixedMsg))
	tests := []struct {
		part    []int
		partial *imap.SectionPartial
		want    string
	}{
		{[]int{1}, nil, "Grüße\r\nzweite Zeile"},
		{[]int{2}, nil, "hello\n"},
		{[]int{2}, &imap.SectionPartial{Offset: 1, Size: 3}, "ell"},
		{[]int{3}, nil, ""},
		{nil, nil, string(crlf(mixedMsg))},
	}
	for _, tc := range tests {
		got, err := m.Binary(tc.part, tc.partial)
		if err != nil || got == nil || string(got) != tc.want {
			t.Errorf("BINARY[%v] = %q, %v; want %q", tc.part, got, err, tc.want)
		}
		if tc.partial != nil {
			continue
		}
		n, err := m.BinarySize(tc.part)
		if err != nil || int(n) != len(tc.want) {
			t.Errorf("BINARY.SIZE[%v] = %d, %v; want %d", tc.part, n, err, len(tc.want))
		}
	}

	u := Parse(crlf("Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Transfer-Encoding: x-uuencode\n\nbegin 644 x\n--b--\n"))
	if _, err := u.Binary([]int{1}, nil); !errors.Is(err, ErrUnknownCTE) {
		t.Errorf("Binary of x-uuencode: %v, want ErrUnknownCTE", err)
	}
	if _, err := u.BinarySize([]int{1}); !errors.Is(err, ErrUnknownCTE) {
		t.Errorf("BinarySize of x-uuencode: %v, want ErrUnknownCTE", err)
	}
	// The multipart itself is not transfer-decoded.
	if b, err := u.Binary(nil, nil); err != nil || len(b) != u.Size() {
		t.Errorf("BINARY[] = %d octets, %v", len(b), err)
	}
}

func TestDecodeCTE(t *testing.T) {
	tests := []struct{ cte, in, want string }{
		{"base64", "aGVs\r\nbG8=\r\n", "hello"},
		{"base64", "aGVsbG8", "hello"},                                   // no padding
		{"base64", "a*G!V\x00sbG8K", "hello\n"},                          // garbage skipped
		{"base64", "aGk=aGk=", "hi"},                                     // stops at padding
		{"quoted-printable", "a=\r\nb  \r\nc=3d=3D=zz=", "ab\r\nc===zz"}, // soft breaks, trailing space, invalid "=" kept
		{"quoted-printable", "x=  \nlf\n", "xlf\n"},
		{"quoted-printable", "=C3=BC=c3=bc", "üü"},
		{"8bit", "as is=3D", "as is=3D"},
	}
	for _, tc := range tests {
		got, err := decodeCTE([]byte(tc.in), tc.cte)
		if err != nil || string(got) != tc.want {
			t.Errorf("%s %q: got %q, %v; want %q", tc.cte, tc.in, got, err, tc.want)
		}
		if tc.cte == "base64" && base64Len([]byte(tc.in)) != len(tc.want) {
			t.Errorf("base64Len(%q) = %d, want %d", tc.in, base64Len([]byte(tc.in)), len(tc.want))
		}
	}
}

// TestParseHeaderIsLazy: ENVELOPE and HEADER fetches after ParseHeader
// leave the body unparsed; a body fetch parses it.
func TestParseHeaderIsLazy(t *testing.T) {
	m := ParseHeader(crlf(mixedMsg))
	m.Envelope()
	m.SentDate()
	m.HeaderContains("Subject", "mixed")
	m.Section(&imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, HeaderFields: []string{"Subject"}})
	m.Section(&imap.FetchItemBodySection{Specifier: imap.PartSpecifierText})
	if m.root.typ != "" || m.root.children != nil {
		t.Fatal("the body was parsed")
	}
	if got := string(m.Section(&imap.FetchItemBodySection{Part: []int{2}})); got != "aGVsbG8K" {
		t.Errorf("BODY[2] after ParseHeader = %q", got)
	}
}

// TestConcurrentUse: a Message from ParseHeader may be used from several
// goroutines; the body is parsed once (run with -race).
func TestConcurrentUse(t *testing.T) {
	m := ParseHeader(crlf(rfc822Msg))
	done := make(chan string)
	for range 4 {
		go func() {
			m.Envelope()
			m.HeaderContains("subject", "outer")
			done <- wireBS(m.BodyStructure(true), true) + string(m.Section(&imap.FetchItemBodySection{Part: []int{2, 1}}))
		}()
	}
	first := <-done
	for range 3 {
		if got := <-done; got != first {
			t.Errorf("results differ:\n%s\n%s", got, first)
		}
	}
	if v, ok := m.Header("SUBJECT"); !ok || v != "outer" {
		t.Errorf("Header(SUBJECT) = %q, %v", v, ok)
	}
	if _, ok := m.Header("X-None"); ok {
		t.Error("Header(X-None) found")
	}
}

// TestSectionAppendSafe: appending to a returned section does not change
// the message.
func TestSectionAppendSafe(t *testing.T) {
	raw := crlf(mixedMsg)
	orig := string(raw)
	m := Parse(raw)
	for _, item := range []*imap.FetchItemBodySection{
		{}, {Part: []int{1}}, {Specifier: imap.PartSpecifierHeader}, {Part: []int{1}, Specifier: imap.PartSpecifierMIME},
		{Part: []int{1}, Partial: &imap.SectionPartial{Offset: 0, Size: 3}},
	} {
		_ = append(m.Section(item), "XXXX"...)
	}
	b, _ := m.Binary([]int{1}, nil)
	_ = append(b, "XXXX"...)
	if string(raw) != orig {
		t.Fatal("appending to a section changed the message")
	}
}
