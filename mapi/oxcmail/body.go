package oxcmail

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html"
	"io"
	"mime"
	"path"
	"strings"

	"github.com/emersion/go-message/charset"

	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/mapi/tnef"
)

// entity is one MIME entity: its header and its raw (still
// transfer-encoded) body.
type entity struct {
	header header
	body   []byte
	ct     string
	params map[string]string
	parsed bool
}

// contentType returns the lower-case media type (text/plain when absent or
// unreadable, RFC 2045 5.2) and its parameters, RFC 2231 continuations and
// encodings decoded.
func (e *entity) contentType() (string, map[string]string) {
	if e.parsed {
		return e.ct, e.params
	}
	e.parsed = true
	e.ct, e.params = parseMediaHeader(e.header.get("Content-Type"))
	if e.ct == "" || !strings.Contains(e.ct, "/") {
		e.ct = "text/plain"
	}
	return e.ct, e.params
}

func (e *entity) param(name string) string {
	_, p := e.contentType()
	return p[name]
}

// parseMediaHeader parses a Content-Type or Content-Disposition value,
// falling back to a lenient split when mime.ParseMediaType refuses it.
func parseMediaHeader(v string) (string, map[string]string) {
	if v == "" {
		return "", map[string]string{}
	}
	if t, p, err := mime.ParseMediaType(v); err == nil {
		return strings.ToLower(t), p
	}
	parts := strings.Split(v, ";")
	t := strings.ToLower(strings.TrimSpace(parts[0]))
	p := map[string]string{}
	for _, kv := range parts[1:] {
		k, val, ok := strings.Cut(kv, "=")
		if !ok {
			continue
		}
		k = strings.ToLower(strings.TrimSpace(k))
		k = strings.TrimSuffix(k, "*")
		val = strings.Trim(strings.TrimSpace(val), `"`)
		if _, dup := p[k]; !dup {
			p[k] = val
		}
	}
	return t, p
}

// decoded returns the body with its Content-Transfer-Encoding undone.
// Broken encodings decode as far as they go.
func (e *entity) decoded() []byte {
	switch strings.ToLower(strings.TrimSpace(e.header.get("Content-Transfer-Encoding"))) {
	case "base64":
		return decodeBase64(e.body)
	case "quoted-printable":
		return decodeQP(e.body)
	}
	return e.body
}

// decodeQP undoes quoted-printable (RFC 2045 6.7) leniently: a malformed
// "=" is kept as is, where mime/quotedprintable would stop reading, and
// trailing white space is dropped from each line.
func decodeQP(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for len(b) > 0 {
		line, rest := cutLine(b)
		hadNL := len(b) > len(line)
		line = bytes.TrimRight(line, "\r")
		line = bytes.TrimRight(line, " \t")
		soft := false
		for i := 0; i < len(line); i++ {
			c := line[i]
			if c != '=' {
				out = append(out, c)
				continue
			}
			if i == len(line)-1 {
				soft = true
				break
			}
			if i+2 < len(line) && isHex(line[i+1]) && isHex(line[i+2]) {
				out = append(out, unhex(line[i+1])<<4|unhex(line[i+2]))
				i += 2
				continue
			}
			out = append(out, c)
		}
		if hadNL && !soft {
			out = append(out, '\r', '\n')
		}
		b = rest
	}
	return out
}

// base64Alphabet is 1 for the bytes of the base64 alphabet ("=" and
// everything else are skipped).
var base64Alphabet = func() (t [256]uint8) {
	for _, c := range []byte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") {
		t[c] = 1
	}
	return t
}()

// decodeBase64 ignores characters outside the alphabet and a truncated
// final quantum, as mail readers do. Well-formed base64 in lines, nearly
// every part, is decoded by encoding/base64 once its lines are joined;
// anything else is cleaned first, a byte at a time.
func decodeBase64(b []byte) []byte {
	// encoding/base64 decodes eight bytes at a time only between line
	// breaks: the lines are joined first, a line per copy.
	joined := make([]byte, 0, len(b))
	for rest := b; len(rest) > 0; {
		line := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil
		}
		joined = append(joined, bytes.TrimSuffix(line, []byte("\r"))...)
	}
	out := make([]byte, base64.StdEncoding.DecodedLen(len(joined)))
	if n, err := base64.StdEncoding.Decode(out, joined); err == nil {
		return out[:n]
	}
	return decodeBase64Lenient(b, out)
}

// decodeBase64Lenient is decodeBase64 for any input, into out when it is
// large enough.
func decodeBase64Lenient(b, out []byte) []byte {
	clean := make([]byte, len(b))
	n := 0
	for _, c := range b {
		clean[n] = c
		n += int(base64Alphabet[c])
	}
	clean = clean[:n]
	clean = clean[:len(clean)/4*4+func() int {
		if r := len(clean) % 4; r >= 2 {
			return r
		}
		return 0
	}()]
	if need := base64.RawStdEncoding.DecodedLen(len(clean)); cap(out) < need {
		out = make([]byte, need)
	}
	out = out[:cap(out)]
	n, _ = base64.RawStdEncoding.Decode(out, clean)
	return out[:n]
}

// text returns the decoded body converted to UTF-8 from its charset.
// Unknown charsets are read as UTF-8 when valid, else Windows-1252.
func (e *entity) text() string {
	b := e.decoded()
	cs := strings.ToLower(strings.TrimSpace(e.param("charset")))
	if cs != "" && cs != "utf-8" && cs != "us-ascii" && cs != "utf8" {
		if r, err := charset.Reader(cs, bytes.NewReader(b)); err == nil {
			if out, err := io.ReadAll(r); err == nil {
				return toUTF8(string(out))
			}
		}
	}
	return toUTF8(string(b))
}

// disposition returns the lower-case disposition type and its parameters.
func (e *entity) disposition() (string, map[string]string) {
	return parseMediaHeader(e.header.get("Content-Disposition"))
}

// filename is the attachment's name: Content-Disposition filename, else
// Content-Type name; RFC 2231 and (non-standard but common) RFC 2047
// encodings decoded.
func (e *entity) filename() string {
	_, dp := e.disposition()
	n := dp["filename"]
	if n == "" {
		n = rfc2231Param(e.header.get("Content-Disposition"), "filename")
	}
	if n == "" {
		n = e.param("name")
	}
	if n == "" {
		n = rfc2231Param(e.header.get("Content-Type"), "name")
	}
	return strings.TrimSpace(decodeText(n))
}

// rfc2231Param decodes parameter name of a header value by RFC 2231 in any
// charset (mime.ParseMediaType only knows UTF-8 and US-ASCII and drops the
// others): name*=charset'lang'%XX... or its continuations name*0*, name*1...
func rfc2231Param(v, name string) string {
	pieces := map[int]string{}
	encoded := map[int]bool{}
	single, singleEnc := "", false
	for _, kv := range splitParams(v) {
		k, val, ok := strings.Cut(kv, "=")
		if !ok {
			continue
		}
		k = strings.ToLower(strings.TrimSpace(k))
		val = strings.TrimSpace(val)
		if len(val) >= 2 && val[0] == '"' && val[len(val)-1] == '"' {
			val = val[1 : len(val)-1]
		}
		if !strings.HasPrefix(k, name+"*") {
			continue
		}
		rest := k[len(name)+1:]
		enc := strings.HasSuffix(rest, "*")
		rest = strings.TrimSuffix(rest, "*")
		if rest == "" {
			single, singleEnc = val, true
			continue
		}
		var idx int
		if _, err := fmt.Sscanf(rest, "%d", &idx); err != nil || idx < 0 || idx > 999 {
			continue
		}
		pieces[idx], encoded[idx] = val, enc
	}
	var cs string
	var raw []byte
	if singleEnc {
		cs, raw = splitCharset(single)
	} else {
		for i := 0; ; i++ {
			p, ok := pieces[i]
			if !ok {
				break
			}
			if i == 0 && encoded[0] {
				var b []byte
				cs, b = splitCharset(p)
				raw = append(raw, b...)
			} else if encoded[i] {
				raw = append(raw, percentDecode(p)...)
			} else {
				raw = append(raw, p...)
			}
		}
	}
	if len(raw) == 0 {
		return ""
	}
	if cs != "" && !strings.EqualFold(cs, "utf-8") && !strings.EqualFold(cs, "us-ascii") {
		if r, err := charset.Reader(cs, bytes.NewReader(raw)); err == nil {
			if out, err := io.ReadAll(r); err == nil {
				return toUTF8(string(out))
			}
		}
	}
	return toUTF8(string(raw))
}

// splitCharset splits charset'lang'value and percent-decodes the value.
func splitCharset(s string) (string, []byte) {
	parts := strings.SplitN(s, "'", 3)
	if len(parts) != 3 {
		return "", percentDecode(s)
	}
	return parts[0], percentDecode(parts[2])
}

func percentDecode(s string) []byte {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			out = append(out, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		out = append(out, s[i])
	}
	return out
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// splitParams splits a header value at semicolons outside quotes.
func splitParams(v string) []string {
	var out []string
	inQuote, start := false, 0
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case '\\':
			i++
		case '"':
			inQuote = !inQuote
		case ';':
			if !inQuote {
				out = append(out, v[start:i])
				start = i + 1
			}
		}
	}
	if start < len(v) {
		out = append(out, v[start:])
	}
	return out
}

// splitMultipart returns the body parts between the delimiter lines of
// boundary (RFC 2046 5.1.1): a delimiter is "--boundary" alone on its line
// (trailing white space allowed), so a longer boundary that merely starts
// with this one is not a delimiter. A missing close delimiter ends the
// last part at the end of the body.
func splitMultipart(body []byte, boundary string) [][]byte {
	delim := []byte("--" + boundary)
	var parts [][]byte
	start := -1
	pos := 0
	for pos <= len(body) {
		line, rest := cutLine(body[pos:])
		lineEnd := len(body) - len(rest)
		t := bytes.TrimRight(line, " \t\r")
		isDelim, isClose := false, false
		if bytes.HasPrefix(t, delim) {
			switch tail := t[len(delim):]; {
			case len(tail) == 0:
				isDelim = true
			case bytes.Equal(tail, []byte("--")):
				isDelim, isClose = true, true
			}
		}
		if isDelim {
			if start >= 0 {
				end := pos
				// The CRLF before a delimiter belongs to the delimiter.
				if end > start && body[end-1] == '\n' {
					end--
					if end > start && body[end-1] == '\r' {
						end--
					}
				}
				parts = append(parts, body[start:end])
			}
			if isClose {
				return parts
			}
			start = lineEnd
		}
		if rest == nil {
			break
		}
		pos = lineEnd
	}
	if start >= 0 && start <= len(body) {
		parts = append(parts, body[start:])
	}
	return parts
}

// bodyState collects the body candidates while walking the MIME tree.
type bodyState struct {
	plain, html *string
	htmlCharset string
	htmlRaw     []byte
	stamp       any             // PR_CLIENT_SUBMIT_TIME, also the attachments' creation time
	tnef        []*tnef.Message // decoded TNEF parts, applied by applyTNEF
}

// walkIn converts entity e found inside a multipart of subtype parent.
func (c *converter) walkIn(e *entity, depth int, bs *bodyState, m *Message, parent string, top bool) {
	ct, params := e.contentType()
	if depth > c.opt.MaxDepth {
		c.addAttachment(e, bs, m, parent)
		return
	}
	if strings.HasPrefix(ct, "multipart/") {
		parts := splitMultipart(e.body, params["boundary"])
		if params["boundary"] == "" || len(parts) == 0 {
			// No usable structure: show what there is as text.
			if bs.plain == nil {
				s := normalizeNewlines(toUTF8(string(e.body)))
				bs.plain = &s
			}
			return
		}
		sub := strings.TrimPrefix(ct, "multipart/")
		for _, raw := range parts {
			h, b := splitHeader(raw)
			c.walkIn(&entity{header: h, body: b}, depth+1, bs, m, sub, false)
		}
		return
	}
	if top && !strings.EqualFold(strings.TrimSpace(e.header.get("Content-Transfer-Encoding")), "base64") {
		// The CRLF ending the last line of a single-part message ends the
		// message, not the text, as upstream stores it (a bare LF stays).
		e.body = bytes.TrimSuffix(e.body, []byte("\r\n"))
	}
	dtype, _ := e.disposition()
	isAttachment := dtype == "attachment"
	switch {
	case ct == "message/rfc822" && !top:
		c.addEmbedded(e, bs, depth, m)
		return
	case (ct == "text/plain" || ct == "text/html") && (!isAttachment || top):
		if ct == "text/plain" && bs.plain == nil && (e.filename() == "" || dtype == "inline" || top) {
			s := normalizeNewlines(e.text())
			bs.plain = &s
			return
		}
		if ct == "text/html" && bs.html == nil && (e.filename() == "" || dtype == "inline" || top) {
			s := e.text()
			bs.html = &s
			bs.htmlCharset = strings.ToLower(e.param("charset"))
			bs.htmlRaw = e.decoded()
			return
		}
		if parent == "alternative" {
			return // a second alternative of a kind already chosen
		}
	}
	// TNEF hook (tnef.go): a winmail.dat that decodes is unpacked, not kept.
	if isTNEF(ct, e) && c.unpackTNEF(e, bs, m) {
		return
	}
	c.addAttachment(e, bs, m, parent)
}

// addAttachment stores e as a by-value attachment (PR_ATTACH_METHOD 1).
func (c *converter) addAttachment(e *entity, bs *bodyState, m *Message, parent string) {
	ct, _ := e.contentType()
	data := e.decoded()
	name := e.filename()
	if name == "" {
		name = fmt.Sprintf("attachment%d%s", len(m.Attachments)+1, extensionFor(ct))
	}
	p := &propList{}
	setStamp(p, bs)
	p.set(mapi.PrAttachMethod, int32(mapi.AttachByValue))
	p.set(mapi.PrAttachDataBin, data)
	p.set(mapi.PrAttachLongFilename, name)
	if ext := path.Ext(name); ext != "" && ext != "." {
		p.set(mapi.PrAttachExtension, ext)
	}
	p.set(mapi.PrAttachMIMETag, ct)
	if d := strings.TrimSpace(decodeText(e.header.get("Content-Description"))); d != "" {
		p.set(mapi.PrDisplayName, d)
	}
	if cid := strings.Trim(strings.TrimSpace(e.header.get("Content-ID")), "<>"); cid != "" {
		p.set(mapi.PrAttachContentID, toUTF8(cid))
		if parent == "related" {
			p.set(mapi.PrAttachFlags, int32(attMHTMLRef))
		}
	}
	if loc := strings.TrimSpace(e.header.get("Content-Location")); loc != "" {
		p.set(mapi.PrAttachContentLocation, toUTF8(loc))
	}
	m.Attachments = append(m.Attachments, Attachment{Props: p.vals})
}

// attMHTMLRef is PR_ATTACH_FLAGS ATT_MHTML_REF: the attachment is
// referenced from the HTML body (MS-OXCMSG 2.2.2.18).
const attMHTMLRef = 4

// addEmbedded stores a message/rfc822 part as an embedded message
// (PR_ATTACH_METHOD 5), converted recursively.
func (c *converter) addEmbedded(e *entity, bs *bodyState, depth int, m *Message) {
	data := e.decoded()
	inner := c.message(data, depth+1)
	p := &propList{}
	setStamp(p, bs)
	p.set(mapi.PrAttachMethod, int32(mapi.AttachEmbeddedMsg))
	p.set(mapi.PrAttachMIMETag, "message/rfc822")
	if s, ok := Get(inner.Props, mapi.PrSubject).(string); ok {
		p.set(mapi.PrDisplayName, s)
	}
	m.Attachments = append(m.Attachments, Attachment{Props: p.vals, Embedded: inner})
}

// setStamp gives an attachment the message's submit time as creation and
// modification time, as upstream stores them.
func setStamp(p *propList, bs *bodyState) {
	if bs.stamp != nil {
		p.set(mapi.PrCreationTime, bs.stamp)
		p.set(mapi.PrLastModificationTime, bs.stamp)
	}
}

func extensionFor(ct string) string {
	switch ct {
	case "text/plain":
		return ".txt"
	case "text/html":
		return ".htm"
	case "text/calendar":
		return ".ics"
	case "image/png":
		return ".png"
	case "image/jpeg":
		return ".jpg"
	case "image/gif":
		return ".gif"
	case "application/pdf":
		return ".pdf"
	case "message/rfc822":
		return ".eml"
	}
	return ".dat"
}

// normalizeNewlines turns bare LF and bare CR into CRLF.
func normalizeNewlines(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.ReplaceAll(s, "\n", "\r\n")
}

// finishBodies sets PR_BODY, PR_HTML and PR_INTERNET_CPID from what the
// walk found. Like upstream, a text-only message also gets an HTML body
// (a <pre> rendering) and an HTML-only message a plain-text body.
func (c *converter) finishBodies(bs *bodyState, p *propList) {
	switch {
	case bs.plain != nil && bs.html != nil:
		p.set(mapi.PrBody, *bs.plain)
		c.setHTML(bs, p)
	case bs.html != nil:
		p.set(mapi.PrBody, htmlToText(*bs.html))
		c.setHTML(bs, p)
	case bs.plain != nil:
		p.set(mapi.PrBody, *bs.plain)
		p.set(mapi.PrHTML, textToHTML(*bs.plain))
		p.set(mapi.PrInternetCPID, int32(65001))
	}
}

// setHTML stores the HTML body in its own charset when that charset has a
// code page, else converted to UTF-8.
func (c *converter) setHTML(bs *bodyState, p *propList) {
	if cp, ok := codePages[bs.htmlCharset]; ok {
		p.set(mapi.PrHTML, bs.htmlRaw)
		p.set(mapi.PrInternetCPID, cp)
		return
	}
	p.set(mapi.PrHTML, []byte(*bs.html))
	p.set(mapi.PrInternetCPID, int32(65001))
}

// codePages maps charset names to Windows code page ids for PR_INTERNET_CPID.
var codePages = map[string]int32{
	"": 65001, "utf-8": 65001, "utf8": 65001, "us-ascii": 20127,
	"iso-8859-1": 28591, "iso-8859-2": 28592, "iso-8859-5": 28595, "iso-8859-7": 28597,
	"iso-8859-15": 28605, "windows-1250": 1250, "windows-1251": 1251, "windows-1252": 1252,
	"windows-1253": 1253, "windows-1254": 1254, "windows-1257": 1257, "koi8-r": 20866,
	"koi8-u": 21866, "iso-2022-jp": 50220, "shift_jis": 932, "euc-jp": 51932,
	"gb2312": 936, "gbk": 936, "gb18030": 54936, "big5": 950, "euc-kr": 51949,
}

// textToHTML renders plain text as upstream's texttohtml does.
func textToHTML(s string) []byte {
	return []byte("<html><head><meta name=\"Generator\" content=\"gromox-texttohtml\">\r\n</head>\r\n<body>\r\n<pre>" +
		html.EscapeString(s) + "</pre>\r\n</body>\r\n</html>")
}

// htmlToText extracts the text of an HTML body: tags dropped, entities
// decoded, a line break after each paragraph, line break, heading,
// division or list item; script and style content skipped.
func htmlToText(s string) string {
	var out strings.Builder
	for len(s) > 0 {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			out.WriteString(html.UnescapeString(collapseSpace(s)))
			break
		}
		out.WriteString(html.UnescapeString(collapseSpace(s[:i])))
		s = s[i:]
		j := strings.IndexByte(s, '>')
		if j < 0 {
			break
		}
		tag := strings.ToLower(strings.TrimSpace(strings.Trim(s[1:j], "/")))
		if k := strings.IndexAny(tag, " \t\r\n/"); k >= 0 {
			tag = tag[:k]
		}
		closing := strings.HasPrefix(s, "</")
		s = s[j+1:]
		switch tag {
		case "script", "style", "head", "title":
			if !closing {
				k := indexFold(s, "</"+tag)
				if k < 0 {
					return out.String() // unterminated: nothing visible follows
				}
				s = s[k:]
			}
		case "br":
			out.WriteString("\r\n")
		case "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li":
			if closing {
				out.WriteString("\r\n")
			}
		}
	}
	return out.String()
}

// collapseSpace turns runs of white space (including line breaks, which
// HTML does not render) into one space.
func collapseSpace(s string) string {
	if !strings.ContainsAny(s, "\r\n\t") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// indexFold is strings.Index ignoring ASCII case, without copying s.
func indexFold(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}
