// Package imapmsg turns the raw RFC 5322 bytes of a stored message into what
// IMAP FETCH and SEARCH need: ENVELOPE, BODYSTRUCTURE, BODY[...] sections,
// BINARY[...] (RFC 3516) and the SEARCH predicates on header and body text.
//
// Invariants:
//   - A Message keeps the raw bytes and a tree of offsets into them; bodies
//     are never copied. Sections and sizes are computed on the raw bytes, as
//     stored (CRLF or bare LF alike): Section of the empty section is the raw
//     message itself, and the size a BODYSTRUCTURE reports for a part is the
//     length of BODY[part].
//   - Nothing here fails or panics on malformed input: a missing header, a
//     broken or missing boundary, a missing close delimiter, bare LF line
//     ends, NUL bytes, huge lines all give a best-effort structure. Nesting is
//     bounded (MaxDepth levels, MaxParts parts in all); a multipart beyond the
//     bound, or one without usable boundary, is reported as a single
//     text/plain part, a message/rfc822 beyond it as application/octet-stream,
//     so that the BODYSTRUCTURE grammar (RFC 9051 7.5.2) always holds and
//     part numbers always agree with it.
//   - Header text is passed through as it is in the raw header: ENVELOPE
//     strings are the unfolded field values, encoded-words left encoded
//     (as IMAP servers commonly send them) and raw 8-bit text (UTF-8 in a
//     header without encoded-words, RFC 6532) left byte for byte as it is,
//     never relabelled. Only SEARCH decodes (RFC 2047, charsets to UTF-8).
//
// A Message is safe for concurrent use.
package imapmsg

import (
	"bytes"
	"strings"
	"sync"
)

// MaxDepth bounds the nesting of multiparts and encapsulated messages.
const MaxDepth = 100

// MaxParts bounds the number of MIME entities parsed in one message; the
// rest of a message beyond it stays inside the last part parsed.
const MaxParts = 10000

// Message is a parsed stored message: the raw bytes and a tree of part
// offsets into them.
type Message struct {
	raw  []byte
	root *entity

	once sync.Once // parses the body tree of a message from ParseHeader
}

// Parse parses the whole MIME structure of raw. It never fails: malformed
// input gives a best-effort structure. raw must not be modified afterwards;
// sections returned by the Message share its memory.
func Parse(raw []byte) *Message {
	m := ParseHeader(raw)
	m.tree()
	return m
}

// ParseHeader scans only the top-level header of raw, for ENVELOPE and
// HEADER fetches; the body is parsed on the first call that needs it.
func ParseHeader(raw []byte) *Message {
	if raw == nil {
		raw = []byte{}
	}
	e := &entity{start: 0, end: len(raw)}
	e.fields, e.bodyStart = scanHeader(raw, 0, len(raw))
	return &Message{raw: raw, root: e}
}

// Raw returns the message as stored (RFC822, BODY[]).
func (m *Message) Raw() []byte { return m.raw[:len(m.raw):len(m.raw)] }

// Size is the message size in octets (RFC822.SIZE).
func (m *Message) Size() int { return len(m.raw) }

// Header returns the value of the first top-level header field called
// name (case-insensitive), unfolded and otherwise as stored (the raw Date:
// string for an ENVELOPE writer that sends it verbatim, for example), and
// whether there is one.
func (m *Message) Header(name string) (string, bool) {
	return m.root.get(m.raw, name)
}

// tree returns the root entity with its body structure parsed.
func (m *Message) tree() *entity {
	m.once.Do(func() {
		p := &parser{raw: m.raw}
		p.classify(m.root, "", 0)
	})
	return m.root
}

// entity kinds.
const (
	kindLeaf = iota
	kindMultipart
	kindMessage
)

// entity is one MIME entity: a header and a body, as offsets into raw.
// The header is raw[start:bodyStart] (blank line included), the body
// raw[bodyStart:end].
type entity struct {
	start, bodyStart, end int
	fields                []field

	typ, sub string            // lower case
	params   map[string]string // Content-Type parameters, RFC 2231 decoded
	kind     int
	children []*entity // kindMultipart: at least one
	msg      *entity   // kindMessage: the encapsulated message
}

// field is one header field: raw[start:end] is the field with its
// continuation lines and line end; raw[start:nameEnd] the name,
// raw[valueStart:end] the value.
type field struct {
	start, nameEnd, valueStart, end int
}

// scanHeader reads header fields from raw[start:limit] up to the first empty
// line (RFC 5322 2.1). Lines that are neither fields nor continuations are
// skipped, as lenient readers do. It returns the fields and the offset of the
// body (after the empty line; limit when there is none).
func scanHeader(raw []byte, start, limit int) ([]field, int) {
	var fields []field
	pos := start
	for pos < limit {
		next := limit
		lineEnd := limit
		if i := bytes.IndexByte(raw[pos:limit], '\n'); i >= 0 {
			lineEnd = pos + i
			next = lineEnd + 1
		}
		line := raw[pos:lineEnd]
		if len(line) > 0 && line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
		switch {
		case len(line) == 0:
			return fields, next
		case line[0] == ' ' || line[0] == '\t':
			if len(fields) > 0 && fields[len(fields)-1].end == pos {
				fields[len(fields)-1].end = next
			}
		default:
			if f, ok := fieldAt(line, pos); ok {
				f.end = next
				fields = append(fields, f)
			}
		}
		pos = next
	}
	return fields, limit
}

// fieldAt recognises "name:" at the start of line (which begins at offset
// pos of raw); obsolete white space before the colon is allowed
// (RFC 5322 4.5.3).
func fieldAt(line []byte, pos int) (field, bool) {
	i := 0
	for i < len(line) && line[i] > ' ' && line[i] < 0x7f && line[i] != ':' {
		i++
	}
	if i == 0 {
		return field{}, false
	}
	nameEnd := i
	for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
		i++
	}
	if i >= len(line) || line[i] != ':' {
		return field{}, false
	}
	return field{start: pos, nameEnd: pos + nameEnd, valueStart: pos + i + 1}, true
}

func (f field) name(raw []byte) []byte { return raw[f.start:f.nameEnd] }

// value is the unfolded field value (RFC 5322 2.2.3): line ends removed,
// surrounding white space trimmed; everything else byte for byte.
func (f field) value(raw []byte) string {
	v := raw[f.valueStart:f.end]
	if bytes.IndexByte(v, '\n') < 0 && bytes.IndexByte(v, '\r') < 0 {
		return strings.Trim(string(v), " \t")
	}
	b := make([]byte, 0, len(v))
	for _, c := range v {
		if c != '\r' && c != '\n' {
			b = append(b, c)
		}
	}
	return strings.Trim(string(b), " \t")
}

// get returns the value of the first field called name, and whether there
// is one.
func (e *entity) get(raw []byte, name string) (string, bool) {
	for _, f := range e.fields {
		if equalFoldASCII(f.name(raw), name) {
			return f.value(raw), true
		}
	}
	return "", false
}

// equalFoldASCII is strings.EqualFold for a field name (printable ASCII,
// fieldAt) and name, without making a string of b.
func equalFoldASCII(b []byte, name string) bool {
	if len(b) != len(name) {
		return false
	}
	for i := 0; i < len(b); i++ {
		c, d := b[i], name[i]
		if c == d {
			continue
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if 'A' <= d && d <= 'Z' {
			d += 'a' - 'A'
		}
		if c != d || c >= 0x80 {
			return false
		}
	}
	return true
}

// header and body are capped at their length, so that a caller appending to
// a section cannot overwrite the message.
func (e *entity) header(raw []byte) []byte { return raw[e.start:e.bodyStart:e.bodyStart] }
func (e *entity) body(raw []byte) []byte   { return raw[e.bodyStart:e.end:e.end] }

// parser builds the entity tree below the root.
type parser struct {
	raw   []byte
	parts int
}

// classify sets the content type of e (whose header is scanned) and parses
// its children. parentSub is the subtype of the enclosing multipart
// (multipart/digest changes the default type, RFC 2046 5.1.5).
func (p *parser) classify(e *entity, parentSub string, depth int) {
	p.parts++
	ct, ok := e.get(p.raw, "Content-Type")
	typ, sub, params := "", "", map[string]string(nil)
	if ok {
		typ, sub, params = parseContentType(ct)
	}
	if typ == "" || sub == "" {
		// RFC 2045 5.2: no or unusable Content-Type.
		if parentSub == "digest" {
			typ, sub, params = "message", "rfc822", nil
		} else {
			typ, sub, params = "text", "plain", map[string]string{"charset": "us-ascii"}
		}
	}
	e.typ, e.sub, e.params = typ, sub, params
	switch {
	case typ == "multipart":
		if depth >= MaxDepth || p.parts >= MaxParts || !p.splitMultipart(e, depth) {
			e.typ, e.sub = "text", "plain"
		}
	case typ == "message" && sub == "rfc822":
		if depth >= MaxDepth || p.parts >= MaxParts {
			e.typ, e.sub = "application", "octet-stream"
			return
		}
		inner := &entity{start: e.bodyStart, end: e.end}
		inner.fields, inner.bodyStart = scanHeader(p.raw, inner.start, inner.end)
		e.kind = kindMessage
		e.msg = inner
		p.classify(inner, "", depth+1)
	}
}

// splitMultipart finds the body parts of e between its delimiter lines
// (RFC 2046 5.1.1) and parses each. It reports false when there is no
// boundary or no delimiter line, leaving e a leaf.
func (p *parser) splitMultipart(e *entity, depth int) bool {
	boundary := e.params["boundary"]
	if boundary == "" {
		return false
	}
	spans := splitParts(p.raw, e.bodyStart, e.end, boundary, MaxParts-p.parts)
	if len(spans) == 0 {
		return false
	}
	e.kind = kindMultipart
	e.children = make([]*entity, 0, len(spans))
	for _, s := range spans {
		c := &entity{start: s[0], end: s[1]}
		c.fields, c.bodyStart = scanHeader(p.raw, c.start, c.end)
		e.children = append(e.children, c)
	}
	for _, c := range e.children {
		p.classify(c, e.sub, depth+1)
	}
	return true
}

// splitParts returns the spans of the body parts in raw[start:end] delimited
// by "--boundary" lines. A delimiter line is "--boundary" followed only by
// white space; the close delimiter has "--" after the boundary (RFC 2046
// 5.1.1), so a line starting with a longer boundary that has this one as a
// prefix is not a delimiter. The line end before a delimiter line belongs to
// the delimiter, not to the part. Without a close delimiter the last part
// runs to end. At most max spans are returned; the last one then runs to the
// close delimiter or end.
func splitParts(raw []byte, start, end int, boundary string, max int) [][2]int {
	delim := "--" + boundary
	var spans [][2]int
	partStart := -1
	pos := start // pos is at the start of a line
	for pos < end {
		// Find the next line at or after pos that starts with delim.
		ls := -1
		if bytes.HasPrefix(raw[pos:end], []byte(delim)) {
			ls = pos
		} else {
			i := indexLineStart(raw[pos:end], delim)
			if i < 0 {
				break
			}
			ls = pos + i
		}
		after := ls + len(delim)
		lineEnd, next := end, end
		if i := bytes.IndexByte(raw[after:end], '\n'); i >= 0 {
			lineEnd, next = after+i, after+i+1
		}
		rest := raw[after:lineEnd]
		isClose := bytes.HasPrefix(rest, []byte("--")) && onlySpace(rest[2:])
		if !isClose && !onlySpace(rest) {
			pos = skipLine(raw, after, end)
			continue
		}
		if partStart >= 0 {
			if len(spans) >= max-1 && !isClose {
				pos = next
				continue // the last allowed part runs on
			}
			pe := ls
			if pe > partStart && raw[pe-1] == '\n' {
				pe--
				if pe > partStart && raw[pe-1] == '\r' {
					pe--
				}
			}
			spans = append(spans, [2]int{partStart, pe})
		}
		if isClose {
			return spans
		}
		partStart = next
		pos = next
	}
	if partStart >= 0 {
		spans = append(spans, [2]int{partStart, end})
	}
	return spans
}

// indexLineStart returns the offset in b of the first line (other than one
// starting at b[0]) that begins with prefix, or -1.
func indexLineStart(b []byte, prefix string) int {
	off := 0
	for {
		i := bytes.Index(b[off:], []byte(prefix))
		if i < 0 {
			return -1
		}
		if off+i > 0 && b[off+i-1] == '\n' {
			return off + i
		}
		off += i + 1
	}
}

// skipLine returns the offset after the line end following pos.
func skipLine(raw []byte, pos, end int) int {
	if i := bytes.IndexByte(raw[pos:end], '\n'); i >= 0 {
		return pos + i + 1
	}
	return end
}

func onlySpace(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\r' {
			return false
		}
	}
	return true
}

// find resolves an IMAP part path (RFC 9051 6.4.5): multipart children are
// numbered from 1; a message/rfc822 part's numbers are those of the
// encapsulated message; a non-multipart entity has only part 1, itself.
// It returns nil when the part does not exist.
func (m *Message) find(path []int) *entity {
	e := m.tree()
	for i, n := range path {
		if i > 0 {
			switch e.kind {
			case kindMessage:
				e = e.msg
			case kindLeaf:
				return nil // a leaf part has no subparts
			}
		}
		if e.kind == kindMultipart {
			if n < 1 || n > len(e.children) {
				return nil
			}
			e = e.children[n-1]
			continue
		}
		if n != 1 {
			return nil
		}
	}
	return e
}
