package imapmsg

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	imap "github.com/emersion/go-imap/v2"
)

// FuzzParse runs every accessor on arbitrary input: nothing panics,
// BODY[] is the input, HEADER and TEXT make it up, every part of the body
// structure resolves to a section of its size, BINARY.SIZE agrees with
// BINARY, ParseHeader gives what Parse gives, and the wire forms of
// ENVELOPE and BODYSTRUCTURE differ between connections with and without
// UTF-8 quoting only where they hold 8-bit text.
//
//	go test -run '^$' -fuzz FuzzParse ./protocols/imap/imapmsg/
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"", "\n", "\r\n\r\n", "Subject: x\r\n\r\nbody",
		mixedMsg, rfc822Msg, searchMsg,
		"Content-Type: multipart/mixed; boundary=b\n\n--b\n--b\n--b--",
		"Content-Type: multipart/digest; boundary=d\n\n--d\n\nSubject: x\n\n--d--",
		"Content-Type: message/rfc822\n\nContent-Type: message/rfc822\n\n",
		"Content-Type: text/plain; name*0*=x'y'%e4; name*1=z\nContent-Transfer-Encoding: quoted-printable\n\n=e4=\n",
		"To: g: a@b, <c@d>; e\nFrom: (x) <@r:y@z>\nDate: Mon, 1 Jan 2024 00:00:00 +0000\n\n\x00",
	} {
		f.Add([]byte(s))
	}
	files, _ := filepath.Glob(filepath.Join(fixtureDir, "corpus", "*.eml"))
	tricky, _ := filepath.Glob(filepath.Join("..", "..", "..", "tests", "clients", "tricky", "*.eml"))
	for _, file := range append(files, tricky...) {
		if b, err := os.ReadFile(file); err == nil && len(b) < 64<<10 {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		checkInvariants(t, raw)
		m := Parse(raw)
		h := ParseHeader(raw)
		if wireEnvelope(m.Envelope()) != wireEnvelope(h.Envelope()) {
			t.Fatal("ParseHeader and Parse give different envelopes")
		}
		if wireBS(m.BodyStructure(true), true) != wireBS(h.BodyStructure(true), true) {
			t.Fatal("ParseHeader and Parse give different body structures")
		}
		_ = wireBS(m.BodyStructure(false), false)
		// The wire forms servers send (wire.go): only 8-bit text (from
		// the input or from RFC 2231 decoding) makes the two kinds of
		// connection differ.
		for _, ext := range []bool{false, true} {
			a := AppendBodyStructure(nil, m.BodyStructure(true), ext, false)
			u := AppendBodyStructure(nil, m.BodyStructure(true), ext, true)
			if !bytes.Equal(a, u) && !hasHighBit(a) {
				t.Fatalf("ASCII wire form, different body structures:\n%q\n%q", a, u)
			}
		}
		if a, u := AppendEnvelope(nil, m.Envelope(), false), AppendEnvelope(nil, m.Envelope(), true); !bytes.Equal(a, u) && !hasHighBit(a) {
			t.Fatalf("ASCII wire form, different envelopes:\n%q\n%q", a, u)
		}
		_ = m.SentDate()
		for _, s := range []string{"", "a", "Ü", "subject"} {
			m.HeaderContains("Subject", s)
			m.BodyContains(s)
			m.TextContains(s)
		}
		paths := [][]int{nil, {0}, {1}, {1, 1}, {2, 1, 1}}
		m.BodyStructure(true).Walk(func(path []int, _ imap.BodyStructure) bool {
			paths = append(paths, path)
			return true
		})
		for _, p := range paths {
			for _, spec := range []imap.PartSpecifier{"", imap.PartSpecifierHeader, imap.PartSpecifierText, imap.PartSpecifierMIME} {
				item := &imap.FetchItemBodySection{Specifier: spec, Part: p}
				whole := m.Section(item)
				if whole == nil {
					t.Fatalf("nil section %v %s", p, spec)
				}
				item.Partial = &imap.SectionPartial{Offset: 3, Size: 5}
				if got := m.Section(item); len(whole) > 3 && !bytes.Equal(got, whole[3:min(len(whole), 8)]) {
					t.Fatalf("partial of %v %s", p, spec)
				}
			}
			for _, fields := range []bool{false, true} {
				item := &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, Part: p}
				if fields {
					item.HeaderFields = []string{"Subject", "From"}
				} else {
					item.HeaderFieldsNot = []string{"Subject"}
				}
				if got := m.Section(item); p == nil && !bytes.HasSuffix(got, []byte("\r\n")) {
					t.Fatalf("HEADER.FIELDS %q does not end in CRLF", got)
				}
			}
			m.ContentMD5(p)
			_, _ = m.Binary(p, &imap.SectionPartial{Offset: 1, Size: 2})
		}
	})
}

func hasHighBit(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return true
		}
	}
	return false
}
