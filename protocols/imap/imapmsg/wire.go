package imapmsg

import (
	"mime"
	"sort"
	"strconv"
	"strings"

	imap "github.com/emersion/go-imap/v2"
)

// The Append functions here write ENVELOPE and BODY/BODYSTRUCTURE data
// (RFC 9051 7.5.2) byte for byte as go-imap's server writes the same
// values (imapserver.FetchResponseWriter.WriteEnvelope and
// WriteBodyStructure, go-imap v2.0.0-beta.8), so that a server can keep
// the encoded form of a message and send it again without encoding it
// anew. Their rules, all of them go-imap's:
//   - a string is quoted, with `"` and `\` escaped, unless it is longer than
//     4096 octets, holds NUL, CR or LF, or holds 8-bit octets on a
//     connection without UTF-8 quoting (IMAP4rev2 or UTF8=ACCEPT enabled):
//     then it is a literal, {n} CRLF and its octets;
//   - an empty nstring is NIL; an empty parameter list, language list or
//     address list is NIL; parameters are sorted by name;
//   - the ENVELOPE subject and display names are RFC 2047 Q-encoded
//     (mime.QEncoding, UTF-8) when they hold anything but printable ASCII;
//     the date is "Mon, 02 Jan 2006 15:04:05 -0700" or NIL when zero; a nil
//     Sender or Reply-To list is the From list; message ids get their
//     angle brackets back;
//   - the encoding is lower case, "7bit" when empty; the extension data of
//     a single part starts with NIL for the MD5.

// AppendEnvelope appends the wire form of env to dst. utf8 is whether the
// connection quotes 8-bit strings (IMAP4rev2 or UTF8=ACCEPT enabled).
func AppendEnvelope(dst []byte, env *imap.Envelope, utf8 bool) []byte {
	if env == nil {
		env = &imap.Envelope{}
	}
	sender, replyTo := env.Sender, env.ReplyTo
	if sender == nil {
		sender = env.From
	}
	if replyTo == nil {
		replyTo = env.From
	}
	dst = append(dst, '(')
	if env.Date.IsZero() {
		dst = append(dst, "NIL"...)
	} else {
		dst = appendString(dst, env.Date.Format(envelopeDateLayout), utf8)
	}
	dst = append(dst, ' ')
	dst = appendNString(dst, mime.QEncoding.Encode("utf-8", env.Subject), utf8)
	for _, l := range [...][]imap.Address{env.From, sender, replyTo, env.To, env.Cc, env.Bcc} {
		dst = append(dst, ' ')
		dst = appendAddressList(dst, l, utf8)
	}
	dst = append(dst, ' ')
	if len(env.InReplyTo) > 0 {
		dst = appendString(dst, "<"+strings.Join(env.InReplyTo, "> <")+">", utf8)
	} else {
		dst = append(dst, "NIL"...)
	}
	dst = append(dst, ' ')
	if env.MessageID != "" {
		dst = appendString(dst, "<"+env.MessageID+">", utf8)
	} else {
		dst = append(dst, "NIL"...)
	}
	return append(dst, ')')
}

// envelopeDateLayout is go-imap's ENVELOPE date layout.
const envelopeDateLayout = "Mon, 02 Jan 2006 15:04:05 -0700"

func appendAddressList(dst []byte, l []imap.Address, utf8 bool) []byte {
	if len(l) == 0 {
		return append(dst, "NIL"...)
	}
	dst = append(dst, '(')
	for i, a := range l {
		if i > 0 {
			dst = append(dst, ' ')
		}
		dst = append(dst, '(')
		dst = appendNString(dst, mime.QEncoding.Encode("utf-8", a.Name), utf8)
		dst = append(dst, " NIL "...)
		dst = appendNString(dst, a.Mailbox, utf8)
		dst = append(dst, ' ')
		dst = appendNString(dst, a.Host, utf8)
		dst = append(dst, ')')
	}
	return append(dst, ')')
}

// AppendBodyStructure appends the wire form of bs to dst: BODYSTRUCTURE
// data with extended, BODY data without (the extension data of bs is then
// left out). utf8 is as for AppendEnvelope.
func AppendBodyStructure(dst []byte, bs imap.BodyStructure, extended, utf8 bool) []byte {
	dst = append(dst, '(')
	switch bs := bs.(type) {
	case *imap.BodyStructureSinglePart:
		dst = appendSinglePart(dst, bs, extended, utf8)
	case *imap.BodyStructureMultiPart:
		dst = appendMultiPart(dst, bs, extended, utf8)
	}
	return append(dst, ')')
}

func appendSinglePart(dst []byte, bs *imap.BodyStructureSinglePart, extended, utf8 bool) []byte {
	dst = appendString(dst, bs.Type, utf8)
	dst = append(dst, ' ')
	dst = appendString(dst, bs.Subtype, utf8)
	dst = append(dst, ' ')
	dst = appendParams(dst, bs.Params, utf8)
	dst = append(dst, ' ')
	dst = appendNString(dst, bs.ID, utf8)
	dst = append(dst, ' ')
	dst = appendNString(dst, bs.Description, utf8)
	dst = append(dst, ' ')
	if bs.Encoding == "" {
		dst = appendString(dst, "7bit", utf8)
	} else {
		dst = appendString(dst, strings.ToLower(bs.Encoding), utf8)
	}
	dst = append(dst, ' ')
	dst = strconv.AppendUint(dst, uint64(bs.Size), 10)
	if msg := bs.MessageRFC822; msg != nil {
		dst = append(dst, ' ')
		dst = AppendEnvelope(dst, msg.Envelope, utf8)
		dst = append(dst, ' ')
		dst = AppendBodyStructure(dst, msg.BodyStructure, extended, utf8)
		dst = append(dst, ' ')
		dst = strconv.AppendInt(dst, msg.NumLines, 10)
	} else if text := bs.Text; text != nil {
		dst = append(dst, ' ')
		dst = strconv.AppendInt(dst, text.NumLines, 10)
	}
	if !extended {
		return dst
	}
	ext := bs.Extended
	if ext == nil {
		ext = &imap.BodyStructureSinglePartExt{}
	}
	dst = append(dst, " NIL "...) // MD5
	dst = appendDisposition(dst, ext.Disposition, utf8)
	dst = append(dst, ' ')
	dst = appendLanguage(dst, ext.Language, utf8)
	dst = append(dst, ' ')
	return appendNString(dst, ext.Location, utf8)
}

func appendMultiPart(dst []byte, bs *imap.BodyStructureMultiPart, extended, utf8 bool) []byte {
	// body-type-mpart has no SP between the parts.
	for _, c := range bs.Children {
		dst = AppendBodyStructure(dst, c, extended, utf8)
	}
	dst = append(dst, ' ')
	dst = appendString(dst, bs.Subtype, utf8)
	if !extended {
		return dst
	}
	ext := bs.Extended
	if ext == nil {
		ext = &imap.BodyStructureMultiPartExt{}
	}
	dst = append(dst, ' ')
	dst = appendParams(dst, ext.Params, utf8)
	dst = append(dst, ' ')
	dst = appendDisposition(dst, ext.Disposition, utf8)
	dst = append(dst, ' ')
	dst = appendLanguage(dst, ext.Language, utf8)
	dst = append(dst, ' ')
	return appendNString(dst, ext.Location, utf8)
}

func appendParams(dst []byte, params map[string]string, utf8 bool) []byte {
	if len(params) == 0 {
		return append(dst, "NIL"...)
	}
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	dst = append(dst, '(')
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ' ')
		}
		dst = appendString(dst, k, utf8)
		dst = append(dst, ' ')
		dst = appendString(dst, params[k], utf8)
	}
	return append(dst, ')')
}

func appendDisposition(dst []byte, d *imap.BodyStructureDisposition, utf8 bool) []byte {
	if d == nil {
		return append(dst, "NIL"...)
	}
	dst = append(dst, '(')
	dst = appendString(dst, d.Value, utf8)
	dst = append(dst, ' ')
	dst = appendParams(dst, d.Params, utf8)
	return append(dst, ')')
}

func appendLanguage(dst []byte, l []string, utf8 bool) []byte {
	if len(l) == 0 {
		return append(dst, "NIL"...)
	}
	dst = append(dst, '(')
	for i, s := range l {
		if i > 0 {
			dst = append(dst, ' ')
		}
		dst = appendString(dst, s, utf8)
	}
	return append(dst, ')')
}

func appendNString(dst []byte, s string, utf8 bool) []byte {
	if s == "" {
		return append(dst, "NIL"...)
	}
	return appendString(dst, s, utf8)
}

// appendString writes s as a quoted string, or as a literal when it
// cannot be one (go-imap's imapwire.Encoder.String on the server side).
func appendString(dst []byte, s string, utf8 bool) []byte {
	if !quotable(s, utf8) {
		dst = append(dst, '{')
		dst = strconv.AppendInt(dst, int64(len(s)), 10)
		dst = append(dst, "}\r\n"...)
		return append(dst, s...)
	}
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '"' || c == '\\' {
			dst = append(dst, '\\')
		}
		dst = append(dst, s[i])
	}
	return append(dst, '"')
}

func quotable(s string, utf8 bool) bool {
	if len(s) > 4096 {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == 0 || c == '\r' || c == '\n':
			return false
		case c >= 0x80 && !utf8:
			return false
		}
	}
	return true
}
