package rtf

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDecompress checks that Decompress never panics, that what it
// accepts has at most RAWSIZE bytes, and that Compress round-trips it.
func FuzzDecompress(f *testing.F) {
	for _, ex := range specExamples {
		b, _ := hex.DecodeString(ex.compressed)
		f.Add(b)
	}
	f.Add(Compress([]byte(outlookHTML)))
	f.Add(append([]byte("\x13\x00\x00\x00\x03\x00\x00\x00MELA\x00\x00\x00\x00"), "{}\n"...))
	f.Fuzz(func(t *testing.T, b []byte) {
		out, err := Decompress(b)
		if err != nil {
			return
		}
		if raw := int(b[4]) | int(b[5])<<8 | int(b[6])<<16 | int(b[7])<<24; len(out) > raw {
			t.Fatalf("%d bytes for RAWSIZE %d", len(out), raw)
		}
		again, err := Decompress(Compress(out))
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("round trip: %v", err)
		}
	})
}

// FuzzRTF checks that Text and HTML never panic and return UTF-8.
func FuzzRTF(f *testing.F) {
	for _, s := range []string{outlookHTML, plainRTF, fromText, `{\rtf1\ansi\ansicpg932 \'82\'a0}`,
		`{\rtf1\uc0 \u-10179 x\u-8704 y}`, `{\rtf1 \bin5 {{{{{}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := Text(b)
		if err == nil && !utf8.ValidString(s) {
			t.Fatalf("Text: invalid UTF-8 %q", s)
		}
		html, ok, err := HTML(b)
		if err == nil && ok && !utf8.Valid(html) {
			t.Fatalf("HTML: invalid UTF-8 %q", html)
		}
	})
}

// FuzzToHTML checks that ToHTML never panics and that what it returns is
// UTF-8 and balanced HTML with no script and no javascript: link, however
// hostile the RTF.
func FuzzToHTML(f *testing.F) {
	for _, s := range []string{outlookRichText, plainRTF, outlookHTML, fromText,
		richText(`\trowd\clbrdrt\cellx100\intbl {\b\cf1 a}\cell\row\qc\li720 {\field{\*\fldinst HYPERLINK "http://x/"}{\fldrslt y}}\par`),
		richText(`{\field{\*\fldinst HYPERLINK "javascript:alert(1)"}{\fldrslt <script>}}{\f1\'cf\u8364?}`)} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		html, err := ToHTML(b)
		if err != nil {
			return
		}
		if err := checkHTML(string(html)); err != nil {
			t.Fatalf("%v in %q", err, html)
		}
		lower := strings.ToLower(string(html))
		if strings.Contains(lower, "<script") || strings.Contains(lower, `href="javascript:`) {
			t.Fatalf("script in %q", html)
		}
	})
}
