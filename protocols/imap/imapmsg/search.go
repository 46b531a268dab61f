package imapmsg

import (
	"bytes"
	"mime"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/emersion/go-message/charset"
)

// wordDecoder decodes RFC 2047 encoded-words, in every charset
// go-message knows (golang.org/x/text underneath), as mapi/oxcmail does.
var wordDecoder = &mime.WordDecoder{CharsetReader: charset.Reader}

// decodeHeaderValue decodes the encoded-words of an unfolded header value;
// text that is not an encoded-word, raw 8-bit included, stays as it is.
func decodeHeaderValue(v string) string {
	if !strings.Contains(v, "=?") {
		return v
	}
	if d, err := wordDecoder.DecodeHeader(v); err == nil {
		return d
	}
	return v
}

// HeaderContains reports whether a top-level header field called field
// contains substr (SEARCH HEADER, FROM, TO, CC, BCC, SUBJECT; RFC 9051
// 6.4.4): the field value is unfolded and RFC 2047 decoded, and the match
// ignores case by Unicode simple case folding. An empty substr matches every
// message that has the field.
func (m *Message) HeaderContains(field, substr string) bool {
	needle := foldString(substr)
	for _, f := range m.root.fields {
		if !strings.EqualFold(string(f.name(m.raw)), field) {
			continue
		}
		if needle == "" || strings.Contains(foldString(decodeHeaderValue(f.value(m.raw))), needle) {
			return true
		}
	}
	return false
}

// BodyContains reports whether the body text contains substr (SEARCH BODY,
// RFC 9051 6.4.4): every text/* part, also inside encapsulated messages,
// with its transfer encoding removed and its charset converted to UTF-8,
// and the headers of encapsulated messages. The match ignores case by
// Unicode simple case folding; HTML is searched as it is, tags included.
func (m *Message) BodyContains(substr string) bool {
	needle := foldString(substr)
	if needle == "" {
		return true
	}
	return m.partsContain(m.tree(), []byte(needle), false)
}

// partsContain reports whether e's decoded text bodies, or the headers of
// the messages encapsulated in it, contain the folded needle; with mime,
// also the MIME header fields of e and of every part in it.
func (m *Message) partsContain(e *entity, needle []byte, mime bool) bool {
	if mime && m.headerText(e, needle) {
		return true
	}
	switch e.kind {
	case kindMultipart:
		for _, c := range e.children {
			if m.partsContain(c, needle, mime) {
				return true
			}
		}
		return false
	case kindMessage:
		return !mime && m.headerText(e.msg, needle) || m.partsContain(e.msg, needle, mime)
	}
	if e.typ != "text" {
		return false
	}
	b, err := decodeCTE(e.body(m.raw), transferEncoding(m.raw, e))
	if err != nil {
		b = e.body(m.raw)
	}
	if cs := e.params["charset"]; !isUTF8Charset(cs) {
		b = []byte(toUTF8(b, cs))
	}
	return bytes.Contains(foldBytes(b), needle)
}

// headerText reports whether the decoded header of e contains the folded
// needle.
func (m *Message) headerText(e *entity, needle []byte) bool {
	for _, f := range e.fields {
		line := string(f.name(m.raw)) + ": " + decodeHeaderValue(f.value(m.raw))
		if bytes.Contains(foldBytes([]byte(line)), needle) {
			return true
		}
	}
	return false
}

// TextContains reports whether the header or the body contains substr
// (SEARCH TEXT, RFC 9051 6.4.4: "in the header (including MIME header
// fields) or body of the message"), with the matching rules of
// HeaderContains and BodyContains. The MIME header fields are those of
// every body part, so that an attachment's file name or type is found.
func (m *Message) TextContains(substr string) bool {
	needle := foldString(substr)
	if needle == "" {
		return true
	}
	return m.partsContain(m.tree(), []byte(needle), true)
}

// foldRune maps r to one representative of its simple case folding orbit
// (the smallest rune of it), so that two runes are equal under simple case
// folding exactly when their foldRune is.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'a' <= r && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}
	m := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f < m {
			m = f
		}
	}
	return m
}

func foldString(s string) string { return string(foldBytes([]byte(s))) }

// foldBytes applies foldRune to every rune of b; invalid UTF-8 bytes are
// kept as they are.
func foldBytes(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			out = append(out, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			out = append(out, c)
			i++
			continue
		}
		out = utf8.AppendRune(out, foldRune(r))
		i += n
	}
	return out
}
