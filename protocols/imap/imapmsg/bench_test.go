package imapmsg

import (
	"crypto/rand"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	imap "github.com/emersion/go-imap/v2"
)

// largeMessage is a message with a 2 MiB base64 attachment, made here so
// that the benchmark does not depend on the fixtures.
func largeMessage() []byte {
	data := make([]byte, 2<<20)
	rand.Read(data)
	enc := base64.StdEncoding.EncodeToString(data)
	var b strings.Builder
	b.WriteString("From: a@example.org\r\nTo: b@example.org\r\nSubject: large\r\nDate: Mon, 27 Nov 2023 13:13:35 -0000\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"mix\"\r\n\r\n--mix\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
		"A 2 MiB attachment.\r\n--mix\r\nContent-Type: application/octet-stream; name=\"large.bin\"\r\n" +
		"Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"large.bin\"\r\n\r\n")
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n--mix--\r\n")
	return []byte(b.String())
}

// BenchmarkParseBodyStructure: Parse + BODYSTRUCTURE of a message with a
// 2 MiB attachment.
func BenchmarkParseBodyStructure(b *testing.B) {
	raw := largeMessage()
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		m := Parse(raw)
		if m.BodyStructure(true) == nil {
			b.Fatal("no body structure")
		}
	}
}

// BenchmarkBinaryLarge: BINARY[2] (base64 decoding) of the 2 MiB attachment.
func BenchmarkBinaryLarge(b *testing.B) {
	m := Parse(largeMessage())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Binary([]int{2}, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func typicalMessage(b *testing.B) []byte {
	raw, err := os.ReadFile(filepath.Join(fixtureDir, "corpus", "17-forty-recipients.eml"))
	if err != nil {
		return crlf(mixedMsg)
	}
	return raw
}

// BenchmarkParseHeaderEnvelope: ParseHeader + ENVELOPE of a typical message
// (the corpus message with 40 recipients).
func BenchmarkParseHeaderEnvelope(b *testing.B) {
	raw := typicalMessage(b)
	b.ReportAllocs()
	for b.Loop() {
		if ParseHeader(raw).Envelope() == nil {
			b.Fatal("no envelope")
		}
	}
}

// BenchmarkParseHeaderLarge: ParseHeader + ENVELOPE + HEADER.FIELDS of the
// 2 MiB message; the body is not scanned, so this costs what a small
// message costs.
func BenchmarkParseHeaderLarge(b *testing.B) {
	raw := largeMessage()
	item := &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, HeaderFields: []string{"Subject", "From"}}
	b.ReportAllocs()
	for b.Loop() {
		m := ParseHeader(raw)
		m.Envelope()
		m.Section(item)
	}
}

// BenchmarkBodyContains: SEARCH BODY on the 2 MiB message (the attachment
// is skipped, so this is the text part).
func BenchmarkBodyContains(b *testing.B) {
	m := Parse(largeMessage())
	b.ReportAllocs()
	for b.Loop() {
		if m.BodyContains("absent word") {
			b.Fatal("found")
		}
	}
}

// BenchmarkSummary: what a FETCH ENVELOPE BODYSTRUCTURE of a message not
// seen before costs, for each message of the fixture corpus in turn:
// Parse, ENVELOPE and BODYSTRUCTURE in wire form.
func BenchmarkSummary(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join(fixtureDir, "corpus", "*.eml"))
	if len(files) == 0 {
		b.Skip("fixture corpus not found")
	}
	var msgs [][]byte
	size := 0
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		msgs = append(msgs, raw)
		size += len(raw)
	}
	b.SetBytes(int64(size / len(msgs)))
	b.ReportAllocs()
	var buf []byte
	i := 0
	for b.Loop() {
		m := Parse(msgs[i%len(msgs)])
		i++
		buf = AppendEnvelope(buf[:0], m.Envelope(), false)
		bs := m.BodyStructure(true)
		buf = AppendBodyStructure(buf, bs, false, false)
		buf = AppendBodyStructure(buf, bs, true, false)
	}
}
