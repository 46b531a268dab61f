package imapmsg

import (
	"bytes"
	"maps"
	"strings"

	imap "github.com/emersion/go-imap/v2"
)

// BodyStructure returns BODY (extended false) or BODYSTRUCTURE (extended
// true) of the message (RFC 9051 7.5.2).
//
// Types and parameter names are lower case; parameter values are RFC 2231
// decoded into UTF-8 (RFC 2047 encoded-words in them stay as they are).
// Sizes are octets of the raw part body; line counts (text/* and
// message/rfc822) are the number of line ends in it, so a last line without
// one, as before a multipart delimiter, is not counted. The MD5 member of the
// extension data is not in go-imap's type; ContentMD5 gives it.
func (m *Message) BodyStructure(extended bool) imap.BodyStructure {
	return bodyStructure(m.raw, m.tree(), extended)
}

func bodyStructure(raw []byte, e *entity, extended bool) imap.BodyStructure {
	if e.kind == kindMultipart {
		mp := &imap.BodyStructureMultiPart{
			Subtype:  e.sub,
			Children: make([]imap.BodyStructure, 0, len(e.children)),
		}
		for _, c := range e.children {
			mp.Children = append(mp.Children, bodyStructure(raw, c, extended))
		}
		if extended {
			mp.Extended = &imap.BodyStructureMultiPartExt{
				Params:      maps.Clone(e.params),
				Disposition: disposition(raw, e),
				Language:    language(raw, e),
				Location:    location(raw, e),
			}
		}
		return mp
	}
	body := e.body(raw)
	sp := &imap.BodyStructureSinglePart{
		Type:     e.typ,
		Subtype:  e.sub,
		Params:   maps.Clone(e.params),
		Encoding: transferEncoding(raw, e),
		Size:     uint32(min(len(body), 1<<32-1)),
	}
	sp.ID, _ = e.get(raw, "Content-ID")
	sp.Description, _ = e.get(raw, "Content-Description")
	switch {
	case e.kind == kindMessage:
		sp.MessageRFC822 = &imap.BodyStructureMessageRFC822{
			Envelope:      envelopeOf(raw, e.msg),
			BodyStructure: bodyStructure(raw, e.msg, extended),
			NumLines:      int64(bytes.Count(body, []byte{'\n'})),
		}
	case e.typ == "text":
		sp.Text = &imap.BodyStructureText{NumLines: int64(bytes.Count(body, []byte{'\n'}))}
	}
	if extended {
		sp.Extended = &imap.BodyStructureSinglePartExt{
			Disposition: disposition(raw, e),
			Language:    language(raw, e),
			Location:    location(raw, e),
		}
	}
	return sp
}

// transferEncoding is the lower-case Content-Transfer-Encoding, "7bit" when
// absent (RFC 2045 6.1).
func transferEncoding(raw []byte, e *entity) string {
	v, _ := e.get(raw, "Content-Transfer-Encoding")
	v = strings.ToLower(strings.TrimSpace(uncomment(v, false)))
	if v == "" {
		return "7bit"
	}
	return v
}

// disposition is the Content-Disposition (RFC 2183) with its parameters
// (RFC 2231 decoded), nil when absent.
func disposition(raw []byte, e *entity) *imap.BodyStructureDisposition {
	v, ok := e.get(raw, "Content-Disposition")
	if !ok {
		return nil
	}
	d, params := parseMediaValue(v)
	if d == "" {
		return nil
	}
	return &imap.BodyStructureDisposition{Value: strings.ToLower(d), Params: params}
}

// language is the Content-Language list (RFC 3282).
func language(raw []byte, e *entity) []string {
	v, ok := e.get(raw, "Content-Language")
	if !ok {
		return nil
	}
	var l []string
	for _, t := range strings.Split(uncomment(v, false), ",") {
		if t = strings.TrimSpace(t); t != "" {
			l = append(l, t)
		}
	}
	return l
}

// location is the Content-Location URI (RFC 2557 4.1), white space of
// folding removed.
func location(raw []byte, e *entity) string {
	v, _ := e.get(raw, "Content-Location")
	return strings.Join(strings.Fields(v), "")
}

// ContentMD5 returns the Content-MD5 (RFC 1864) of a part, the body MD5
// member of BODYSTRUCTURE's extension data; empty when absent or the part
// does not exist.
func (m *Message) ContentMD5(part []int) string {
	e := m.find(part)
	if e == nil {
		return ""
	}
	v, _ := e.get(m.raw, "Content-MD5")
	return v
}
