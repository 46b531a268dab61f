package imapmsg

import (
	"bytes"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/emersion/go-message/charset"
)

// parseContentType splits a Content-Type value (RFC 2045 5.1) into lower-case
// type and subtype and its parameters. It is lenient: comments are skipped,
// a parameter without value or a stray separator is ignored. typ or sub is
// empty when the value has no usable type/subtype.
func parseContentType(v string) (typ, sub string, params map[string]string) {
	mt, params := parseMediaValue(v)
	typ, sub, ok := strings.Cut(mt, "/")
	if !ok || !isToken(typ) || !isToken(sub) {
		return "", "", params
	}
	return strings.ToLower(typ), strings.ToLower(sub), params
}

// parseMediaValue splits a Content-Type or Content-Disposition value into its
// first token (the media type or disposition type) and its parameters, keys
// lower case, RFC 2231 continuations joined and percent-decoded into UTF-8
// (RFC 2231 3, 4). RFC 2047 encoded-words in values are left as they are.
func parseMediaValue(v string) (string, map[string]string) {
	s := &scanner{s: v}
	s.skipCFWS()
	start := s.i
	for s.i < len(s.s) && s.s[s.i] != ';' && s.s[s.i] != '(' && s.s[s.i] != ' ' && s.s[s.i] != '\t' {
		s.i++
	}
	head := s.s[start:s.i]
	var raw []rawParam
	for s.i < len(s.s) {
		// Skip to the next ';'.
		for s.i < len(s.s) && s.s[s.i] != ';' {
			if s.s[s.i] == '(' {
				s.skipComment()
				continue
			}
			if s.s[s.i] == '"' {
				s.quoted()
				continue
			}
			s.i++
		}
		if s.i >= len(s.s) {
			break
		}
		s.i++ // ';'
		s.skipCFWS()
		nstart := s.i
		for s.i < len(s.s) && s.s[s.i] != '=' && s.s[s.i] != ';' && s.s[s.i] > ' ' && s.s[s.i] != '(' {
			s.i++
		}
		name := strings.ToLower(s.s[nstart:s.i])
		s.skipCFWS()
		if name == "" || s.i >= len(s.s) || s.s[s.i] != '=' {
			continue
		}
		s.i++ // '='
		s.skipCFWS()
		var val string
		if s.i < len(s.s) && s.s[s.i] == '"' {
			val = s.quoted()
		} else {
			vstart := s.i
			for s.i < len(s.s) && s.s[s.i] != ';' && s.s[s.i] != ' ' && s.s[s.i] != '\t' && s.s[s.i] != '(' {
				s.i++
			}
			val = s.s[vstart:s.i]
		}
		raw = append(raw, rawParam{name, val})
	}
	if len(raw) == 0 {
		return head, nil
	}
	return head, joinParams(raw)
}

type rawParam struct{ name, value string }

// joinParams applies RFC 2231: name*=charset'lang'%XX, name*0*=..., name*1=...
// become one UTF-8 value under name; an RFC 2231 value wins over a plain one
// of the same name. The first of several plain values wins.
func joinParams(raw []rawParam) map[string]string {
	params := make(map[string]string, len(raw))
	type section struct {
		n       int
		encoded bool
		value   string
	}
	var ext map[string][]section
	for _, p := range raw {
		star := strings.IndexByte(p.name, '*')
		if star < 0 {
			if _, dup := params[p.name]; !dup {
				params[p.name] = p.value
			}
			continue
		}
		base, rest := p.name[:star], p.name[star+1:]
		sec := section{value: p.value}
		switch {
		case rest == "":
			sec.encoded = true // name*=
		default:
			num, enc := strings.CutSuffix(rest, "*")
			n, err := strconv.Atoi(num)
			if err != nil || n < 0 || n > 999 || base == "" {
				continue
			}
			sec.n, sec.encoded = n, enc
		}
		if ext == nil {
			ext = make(map[string][]section)
		}
		ext[base] = append(ext[base], sec)
	}
	for base, secs := range ext {
		sort.SliceStable(secs, func(i, j int) bool { return secs[i].n < secs[j].n })
		cs := ""
		var b []byte
		for i, sec := range secs {
			if i > 0 && sec.n == secs[i-1].n {
				continue
			}
			v := sec.value
			if !sec.encoded {
				b = append(b, v...)
				continue
			}
			if i == 0 {
				// charset'language'value (RFC 2231 4)
				if a, r, ok := strings.Cut(v, "'"); ok {
					if _, r2, ok := strings.Cut(r, "'"); ok {
						cs, v = a, r2
					}
				}
			}
			b = append(b, percentDecode(v)...)
		}
		params[base] = toUTF8(b, cs)
	}
	return params
}

func percentDecode(s string) []byte {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		b = append(b, s[i])
	}
	return b
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// toUTF8 converts b from charset cs to UTF-8. UTF-8, US-ASCII, an empty or
// an unknown charset leave the bytes as they are.
func toUTF8(b []byte, cs string) string {
	switch strings.ToLower(strings.TrimSpace(cs)) {
	case "", "utf-8", "utf8", "us-ascii", "ascii":
		return string(b)
	}
	if r, err := charset.Reader(cs, bytes.NewReader(b)); err == nil {
		if out, err := io.ReadAll(r); err == nil {
			return string(out)
		}
	}
	return string(b)
}

// isUTF8Charset reports whether text in charset cs can be used without
// conversion.
func isUTF8Charset(cs string) bool {
	switch strings.ToLower(strings.TrimSpace(cs)) {
	case "", "utf-8", "utf8", "us-ascii", "ascii":
		return true
	}
	return false
}

// isToken reports whether s is a non-empty RFC 2045 token.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("()<>@,;:\\\"/[]?=", c) >= 0 {
			return false
		}
	}
	return true
}

// uncomment replaces the comments of a structured header value (RFC 5322
// 3.2.2) by a space, outside quoted strings, which it keeps as they are;
// with dropSpace white space is removed too (for an addr-spec).
func uncomment(v string, dropSpace bool) string {
	if !strings.ContainsAny(v, "(\"") && (!dropSpace || !strings.ContainsAny(v, " \t\r\n")) {
		return v
	}
	s := &scanner{s: v}
	var b strings.Builder
	for s.i < len(s.s) {
		switch c := s.s[s.i]; {
		case c == '(':
			s.skipComment()
			if !dropSpace {
				b.WriteByte(' ')
			}
		case c == '"':
			start := s.i
			s.quoted()
			b.WriteString(s.s[start:s.i])
		case dropSpace && (c == ' ' || c == '\t' || c == '\r' || c == '\n'):
			s.i++
		default:
			b.WriteByte(c)
			s.i++
		}
	}
	return b.String()
}

// scanner walks a structured header value (RFC 5322 3.2).
type scanner struct {
	s string
	i int
}

// skipCFWS skips white space and comments.
func (s *scanner) skipCFWS() {
	for s.i < len(s.s) {
		switch s.s[s.i] {
		case ' ', '\t', '\r', '\n':
			s.i++
		case '(':
			s.skipComment()
		default:
			return
		}
	}
}

// skipComment skips a (possibly nested) comment starting at s.i; an
// unterminated one runs to the end.
func (s *scanner) skipComment() {
	depth := 0
	for s.i < len(s.s) {
		c := s.s[s.i]
		s.i++
		switch c {
		case '\\':
			s.i = min(s.i+1, len(s.s))
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return
			}
		}
	}
}

// quoted reads a quoted-string starting at s.i and returns its content
// with quoted-pairs resolved. An unterminated string runs to the end.
func (s *scanner) quoted() string {
	s.i++ // '"'
	var b strings.Builder
	for s.i < len(s.s) {
		c := s.s[s.i]
		s.i++
		switch c {
		case '\\':
			if s.i < len(s.s) {
				b.WriteByte(s.s[s.i])
				s.i++
			}
		case '"':
			return b.String()
		case '\r', '\n':
			// folding inside a quoted string
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
