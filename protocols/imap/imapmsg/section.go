package imapmsg

import (
	"bytes"
	"errors"
	"strings"

	imap "github.com/emersion/go-imap/v2"
)

// ErrUnknownCTE is returned by Binary and BinarySize for a part whose
// Content-Transfer-Encoding is not one this package decodes; the server
// answers NO [UNKNOWN-CTE] (RFC 3516 4.3).
var ErrUnknownCTE = errors.New("imapmsg: unknown content-transfer-encoding")

// Section returns the contents of BODY[section]<partial> (RFC 9051 6.4.5).
// A part that does not exist, or a specifier that does not apply to it
// (HEADER or TEXT of a part that is not message/rfc822), gives empty,
// non-nil bytes. The result may share memory with the raw message: do not
// modify it.
func (m *Message) Section(item *imap.FetchItemBodySection) []byte {
	if item == nil {
		return m.Raw()
	}
	return partial(m.section(item), item.Partial)
}

func (m *Message) section(item *imap.FetchItemBodySection) []byte {
	raw := m.raw
	if len(item.Part) == 0 {
		switch item.Specifier {
		case imap.PartSpecifierNone:
			return m.Raw()
		case imap.PartSpecifierMIME:
			return []byte{}
		}
		// HEADER and TEXT of the message need only the top-level header.
		return headerOrText(raw, m.root, item)
	}
	e := m.find(item.Part)
	if e == nil {
		return []byte{}
	}
	switch item.Specifier {
	case imap.PartSpecifierNone:
		return e.body(raw)
	case imap.PartSpecifierMIME:
		return e.header(raw)
	}
	// RFC 9051 6.4.5: HEADER... and TEXT after a part number only for a
	// part of type message/rfc822.
	if e.kind != kindMessage {
		return []byte{}
	}
	return headerOrText(raw, e.msg, item)
}

func headerOrText(raw []byte, e *entity, item *imap.FetchItemBodySection) []byte {
	switch {
	case item.Specifier == imap.PartSpecifierText:
		return e.body(raw)
	case item.Specifier != imap.PartSpecifierHeader:
		return []byte{}
	case len(item.HeaderFields) > 0:
		return headerFields(raw, e, item.HeaderFields, false)
	case len(item.HeaderFieldsNot) > 0:
		return headerFields(raw, e, item.HeaderFieldsNot, true)
	}
	return e.header(raw)
}

// headerFields returns the header fields of e whose names are (not, when
// not is set) in names, byte for byte with their continuation lines, in
// header order, followed by the CRLF that ends a header (RFC 9051 6.4.5).
func headerFields(raw []byte, e *entity, names []string, not bool) []byte {
	var b []byte
	for _, f := range e.fields {
		name := f.name(raw)
		match := false
		for _, n := range names {
			if strings.EqualFold(string(name), n) {
				match = true
				break
			}
		}
		if match != not {
			b = append(b, raw[f.start:f.end]...)
			if f.end == e.end && !bytes.HasSuffix(b, []byte{'\n'}) {
				b = append(b, '\r', '\n') // last field of a header without a line end
			}
		}
	}
	return append(b, '\r', '\n')
}

// partial applies <origin.count> (RFC 9051 6.4.5): octets from origin on,
// at most count of them; empty when origin is past the end.
func partial(b []byte, p *imap.SectionPartial) []byte {
	if p == nil {
		return b
	}
	off := p.Offset
	if off < 0 {
		off = 0
	}
	if off >= int64(len(b)) {
		return []byte{}
	}
	b = b[off:]
	if p.Size >= 0 && p.Size < int64(len(b)) {
		b = b[:p.Size:p.Size]
	}
	return b
}

// Binary returns BINARY[part]<partial> (RFC 3516): the part body with its
// Content-Transfer-Encoding removed. The empty part is the whole message,
// as stored; multiparts and message/rfc822 parts are returned as they are.
// A part that does not exist gives empty bytes; an unknown encoding gives
// ErrUnknownCTE.
func (m *Message) Binary(part []int, p *imap.SectionPartial) ([]byte, error) {
	b, err := m.binary(part)
	if err != nil {
		return nil, err
	}
	return partial(b, p), nil
}

// BinarySize returns BINARY.SIZE[part] (RFC 3516 4.2): the length of the
// decoded part.
func (m *Message) BinarySize(part []int) (uint32, error) {
	if len(part) == 0 {
		return uint32(min(len(m.raw), 1<<32-1)), nil
	}
	e := m.find(part)
	if e == nil {
		return 0, nil
	}
	body := e.body(m.raw)
	n := len(body)
	if e.kind == kindLeaf {
		switch cte := transferEncoding(m.raw, e); cte {
		case "base64":
			n = base64Len(body)
		case "quoted-printable":
			n = len(decodeQP(body))
		default:
			if !identityCTE(cte) {
				return 0, ErrUnknownCTE
			}
		}
	}
	return uint32(min(n, 1<<32-1)), nil
}

func (m *Message) binary(part []int) ([]byte, error) {
	if len(part) == 0 {
		return m.Raw(), nil
	}
	e := m.find(part)
	if e == nil {
		return []byte{}, nil
	}
	body := e.body(m.raw)
	if e.kind != kindLeaf {
		return body, nil
	}
	return decodeCTE(body, transferEncoding(m.raw, e))
}

// decodeCTE removes a Content-Transfer-Encoding (RFC 2045 6).
func decodeCTE(body []byte, cte string) ([]byte, error) {
	switch cte {
	case "base64":
		return decodeBase64(body), nil
	case "quoted-printable":
		return decodeQP(body), nil
	}
	if identityCTE(cte) {
		return body, nil
	}
	return nil, ErrUnknownCTE
}

func identityCTE(cte string) bool {
	switch cte {
	case "7bit", "8bit", "binary", "":
		return true
	}
	return false
}

var b64 = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for i := 0; i < len(alphabet); i++ {
		t[alphabet[i]] = byte(i)
	}
	return t
}()

// decodeBase64 decodes base64 leniently: characters outside the alphabet
// (line ends, white space, garbage) are skipped and decoding stops at '='.
// A trailing incomplete group yields the whole bytes it holds.
func decodeBase64(b []byte) []byte {
	out := make([]byte, 0, len(b)*3/4)
	var acc uint32
	n := 0
	for _, c := range b {
		if c == '=' {
			break
		}
		v := b64[c]
		if v == 0xff {
			continue
		}
		acc = acc<<6 | uint32(v)
		n++
		if n == 4 {
			out = append(out, byte(acc>>16), byte(acc>>8), byte(acc))
			acc, n = 0, 0
		}
	}
	switch n {
	case 2:
		out = append(out, byte(acc>>4))
	case 3:
		out = append(out, byte(acc>>10), byte(acc>>2))
	}
	return out
}

// base64Len is len(decodeBase64(b)) without decoding.
func base64Len(b []byte) int {
	n := 0
	for _, c := range b {
		if c == '=' {
			break
		}
		if b64[c] != 0xff {
			n++
		}
	}
	l := n / 4 * 3
	switch n % 4 {
	case 2:
		l++
	case 3:
		l += 2
	}
	return l
}

// decodeQP decodes quoted-printable (RFC 2045 6.7) leniently: soft line
// breaks ("=" before the line end, trailing white space allowed) are
// removed, "=XX" in either case is decoded, any other "=" is kept, and white
// space at the end of a line is removed (rule 3). Line ends are kept as
// they are.
func decodeQP(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for len(b) > 0 {
		line := b
		var eol []byte
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
			eol = []byte{'\n'}
			if len(line) > 0 && line[len(line)-1] == '\r' {
				line = line[:len(line)-1]
				eol = []byte{'\r', '\n'}
			}
		} else {
			b = nil
		}
		line = bytes.TrimRight(line, " \t")
		soft := false
		if len(line) > 0 && line[len(line)-1] == '=' {
			line = line[:len(line)-1]
			soft = true
		}
		for i := 0; i < len(line); i++ {
			c := line[i]
			if c == '=' && i+2 < len(line) && isHex(line[i+1]) && isHex(line[i+2]) {
				out = append(out, unhex(line[i+1])<<4|unhex(line[i+2]))
				i += 2
				continue
			}
			out = append(out, c)
		}
		if !soft {
			out = append(out, eol...)
		}
	}
	return out
}
