package oxcmail

// Export is the MAPI → Internet mail direction (MS-OXCMAIL 2.1, 2.2):
// a message as MAPI or EWS clients create it becomes RFC 5322 with MIME,
// 7-bit clean where the content allows (RFC 2047 encoded-words in headers,
// quoted-printable or base64 bodies), CRLF line ends, header lines folded
// at 78 characters where a space allows it (RFC 5322 2.1.1).

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/mapi/rtf"
)

// ExportOptions tunes Export. The zero value works.
type ExportOptions struct {
	// Now is the Date of a message without PR_CLIENT_SUBMIT_TIME.
	// Default time.Now.
	Now func() time.Time
	// MessageIDDomain is the right-hand side of generated Message-IDs;
	// default the From address's domain, else "localhost".
	MessageIDDomain string
	// HideBcc leaves Bcc recipients out of the header, as a message handed
	// to the MTA for delivery must (RFC 5322 3.6.3).
	HideBcc bool
	// MaxDepth bounds the nesting of embedded messages (default 8);
	// deeper ones are left out.
	MaxDepth int
}

// ErrNilMessage is returned by Export for a nil message.
var ErrNilMessage = errors.New("oxcmail: nil message")

// Export converts a MAPI message into RFC 5322 bytes.
func Export(m *Message, opt ExportOptions) ([]byte, error) {
	if m == nil {
		return nil, ErrNilMessage
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.MaxDepth <= 0 {
		opt.MaxDepth = 8
	}
	var b bytes.Buffer
	e := &exporter{opt: opt}
	e.message(&b, m, 0)
	if !bytes.HasSuffix(b.Bytes(), []byte("\r\n")) {
		b.WriteString("\r\n") // the last line ends too (RFC 5322 2.1)
	}
	return b.Bytes(), nil
}

type exporter struct {
	opt ExportOptions
}

func propString(props []mapi.PropVal, tag mapi.PropTag) string {
	switch v := Get(props, tag).(type) {
	case string:
		return v
	case []byte:
		return string(v)
	}
	return ""
}

func propInt(props []mapi.PropVal, tag mapi.PropTag) (int32, bool) {
	switch v := Get(props, tag).(type) {
	case int32:
		return v, true
	case uint32:
		return int32(v), true
	case int:
		return int32(v), true
	case int64:
		return int32(v), true
	}
	return 0, false
}

func propBytes(props []mapi.PropVal, tag mapi.PropTag) []byte {
	switch v := Get(props, tag).(type) {
	case []byte:
		return v
	case string:
		return []byte(v)
	}
	return nil
}

// oneOffAddress returns name and address of a one-off entry id of type SMTP.
func oneOffAddress(eid []byte) (address, bool) {
	o, err := mapi.ParseOneOffEntryID(eid)
	if err != nil || !strings.EqualFold(o.AddressType, "SMTP") || !usableAddress(o.Address) {
		return address{}, false
	}
	return address{name: o.DisplayName, addr: o.Address}, true
}

// roleAddress resolves an address-bearing role (From, Sender): the SMTP
// address property, else the email address of type SMTP, else the one-off
// entry id.
func roleAddress(props []mapi.PropVal, t addrTags) (address, bool) {
	a := address{name: propString(props, t.name)}
	a.addr = propString(props, t.smtp)
	if !usableAddress(a.addr) && strings.EqualFold(propString(props, t.addrType), "SMTP") {
		a.addr = propString(props, t.email)
	}
	if !usableAddress(a.addr) {
		if o, ok := oneOffAddress(propBytes(props, t.entryID)); ok {
			a.addr = o.addr
			if a.name == "" {
				a.name = o.name
			}
		}
	}
	return a, usableAddress(a.addr)
}

// usableAddress reports whether addr can be written as an addr-spec: a
// local part and a domain (RFC 5322 3.4.1). Others have no Internet form.
func usableAddress(addr string) bool {
	i := strings.LastIndexByte(addr, '@')
	return i > 0 && i < len(addr)-1 && !strings.ContainsAny(addr, "\r\n<>")
}

// recipientAddress resolves one recipient row the same way.
func recipientAddress(row []mapi.PropVal) (address, bool) {
	a := address{name: propString(row, mapi.PrDisplayName), addr: propString(row, mapi.PrSMTPAddress)}
	if !usableAddress(a.addr) && strings.EqualFold(propString(row, mapi.PrAddrType), "SMTP") {
		a.addr = propString(row, mapi.PrEmailAddress)
	}
	for _, tag := range []mapi.PropTag{mapi.PrRecipientEntryID, mapi.PrEntryID} {
		if usableAddress(a.addr) {
			break
		}
		if o, ok := oneOffAddress(propBytes(row, tag)); ok {
			a.addr = o.addr
			if a.name == "" {
				a.name = o.name
			}
		}
	}
	return a, usableAddress(a.addr)
}

// parseFlatEntryList reads a FlatEntryList (MS-OXCDATA 2.3.3).
func parseFlatEntryList(b []byte) [][]byte {
	if len(b) < 8 {
		return nil
	}
	n := binary.LittleEndian.Uint32(b)
	b = b[8:]
	var out [][]byte
	for i := uint32(0); i < n && len(b) >= 4; i++ {
		l := binary.LittleEndian.Uint32(b)
		b = b[4:]
		if uint64(l) > uint64(len(b)) {
			break
		}
		out = append(out, b[:l])
		pad := (4 - l%4) % 4
		if uint64(l+pad) > uint64(len(b)) {
			break
		}
		b = b[l+pad:]
	}
	return out
}

func (e *exporter) message(b *bytes.Buffer, m *Message, depth int) {
	props := m.Props
	from, hasFrom := roleAddress(props, sentRepresentingTags)
	sender, hasSender := roleAddress(props, senderTags)
	if !hasFrom && hasSender {
		from, hasFrom, hasSender = sender, true, false
	}
	if hasFrom {
		writeField(b, "From", formatAddress(from))
	}
	if hasSender && !strings.EqualFold(sender.addr, from.addr) {
		writeField(b, "Sender", formatAddress(sender))
	}
	var replyTo []string
	for _, eid := range parseFlatEntryList(propBytes(props, mapi.PrReplyRecipientEntries)) {
		if a, ok := oneOffAddress(eid); ok {
			replyTo = append(replyTo, formatAddress(a))
		}
	}
	if len(replyTo) > 0 {
		writeField(b, "Reply-To", strings.Join(replyTo, ", "))
	}
	var to, cc, bcc []string
	for _, row := range m.Recipients {
		a, ok := recipientAddress(row)
		if !ok {
			continue
		}
		typ, _ := propInt(row, mapi.PrRecipientType)
		switch typ & 0xf { // the high bits are flags (MS-OXCMSG 2.2.3.1.1)
		case recipCc:
			cc = append(cc, formatAddress(a))
		case recipBcc:
			bcc = append(bcc, formatAddress(a))
		default:
			to = append(to, formatAddress(a))
		}
	}
	if len(to) > 0 {
		writeField(b, "To", strings.Join(to, ", "))
	}
	if len(cc) > 0 {
		writeField(b, "Cc", strings.Join(cc, ", "))
	}
	if len(bcc) > 0 && !e.opt.HideBcc {
		writeField(b, "Bcc", strings.Join(bcc, ", "))
	}
	subject := propString(props, mapi.PrSubject)
	if subject == "" {
		subject = propString(props, mapi.PrSubjectPrefix) + propString(props, mapi.PrNormalizedSubject)
	}
	if subject != "" {
		writeField(b, "Subject", encodeText(subject))
	}
	date := e.opt.Now()
	if ft, ok := Get(props, mapi.PrClientSubmitTime).(mapi.FileTime); ok {
		date = ft.Time()
	}
	writeField(b, "Date", date.Format("Mon, 02 Jan 2006 15:04:05 -0700"))
	id := oneLine(propString(props, mapi.PrInternetMessageID))
	if id == "" {
		id = e.messageID(from.addr)
	}
	writeField(b, "Message-ID", id)
	if v := oneLine(propString(props, mapi.PrInReplyToID)); v != "" {
		writeField(b, "In-Reply-To", v)
	}
	if v := oneLine(propString(props, mapi.PrInternetReferences)); v != "" {
		writeField(b, "References", v)
	}
	// MS-OXCMAIL 2.2.3.2.5: Importance, with X-Priority for older readers.
	if imp, ok := propInt(props, mapi.PrImportance); ok && imp != 1 {
		if imp == 0 {
			writeField(b, "Importance", "Low")
			writeField(b, "X-Priority", "5")
		} else if imp == 2 {
			writeField(b, "Importance", "High")
			writeField(b, "X-Priority", "1")
		}
	}
	if s, _ := propInt(props, mapi.PrSensitivity); s >= 1 && s <= 3 {
		writeField(b, "Sensitivity", []string{"", "Personal", "Private", "Company-Confidential"}[s])
	}
	if rr, _ := Get(props, mapi.PrReadReceiptRequested).(bool); rr {
		a, ok := roleAddress(props, readReceiptTags)
		if !ok {
			a, ok = from, hasFrom
		}
		if ok {
			writeField(b, "Disposition-Notification-To", formatAddress(a)) // RFC 8098 2.1
		}
	}
	writeField(b, "MIME-Version", "1.0")
	e.content(b, m, depth)
}

// oneLine removes line breaks from an identifier header value.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func (e *exporter) messageID(from string) string {
	domain := e.opt.MessageIDDomain
	if domain == "" {
		if i := strings.LastIndexByte(from, '@'); i >= 0 && isDotAtom(from[i+1:]) {
			domain = from[i+1:]
		}
	}
	if domain == "" {
		domain = "localhost"
	}
	return "<" + rand.Text() + "@" + domain + ">"
}

// part is one MIME entity to write: its header fields (already encoded)
// and body, or its children for a multipart.
type part struct {
	fields   [][2]string
	body     []byte
	children []*part
	subtype  string // multipart subtype when children is used
}

// content writes the body and attachments of m as MIME entities after the
// message header.
func (e *exporter) content(b *bytes.Buffer, m *Message, depth int) {
	props := m.Props
	class := propString(props, mapi.PrMessageClass)
	// S/MIME: the signed or encrypted entity kept intact at import is the
	// message content (MS-OXOSMIME 2.1).
	if strings.HasPrefix(strings.ToLower(class), "ipm.note.smime") && len(m.Attachments) == 1 {
		if data := propBytes(m.Attachments[0].Props, mapi.PrAttachDataBin); data != nil {
			h, body := splitHeader(data)
			if ct := h.get("Content-Type"); ct != "" {
				writeField(b, "Content-Type", ct)
				if cte := h.get("Content-Transfer-Encoding"); cte != "" {
					writeField(b, "Content-Transfer-Encoding", cte)
				}
				b.WriteString("\r\n")
				b.Write(body)
				return
			}
		}
	}
	text, hasText := Get(props, mapi.PrBody).(string)
	htmlBody := propBytes(props, mapi.PrHTML)
	cp, _ := propInt(props, mapi.PrInternetCPID)
	// A message without HTML but with an RTF body (Outlook's RTF format):
	// the HTML the RTF encapsulates or renders, and its text when there is
	// no text body either (upstream's oxcmail and body autosynthesis), so
	// that rich text is a text and an HTML alternative.
	if c := propBytes(props, mapi.PrRTFCompressed); htmlBody == nil && c != nil {
		if h, t, err := rtf.FromCompressed(c); err == nil {
			if h != nil {
				htmlBody, cp = h, 65001
			}
			if !hasText && (t != "" || h == nil) {
				text, hasText = t, true
			}
		}
	}
	// A <pre> rendering made at import from a text body adds nothing.
	if hasText && bytes.Contains(htmlBody, []byte(`content="gromox-texttohtml"`)) {
		htmlBody = nil
	}
	var textPart, htmlPart *part
	if hasText || htmlBody == nil {
		textPart = textEntity("text/plain", "utf-8", []byte(normalizeNewlines(text)))
	}
	if htmlBody != nil {
		htmlPart = textEntity("text/html", charsetOf(cp), htmlBody)
	}
	var inline, attached []*part
	for _, a := range m.Attachments {
		p := e.attachment(a, depth)
		if p == nil {
			continue
		}
		cid := propString(a.Props, mapi.PrAttachContentID)
		flags, _ := propInt(a.Props, mapi.PrAttachFlags)
		if htmlPart != nil && cid != "" && (flags&attMHTMLRef != 0 || bytes.Contains(htmlBody, []byte("cid:"+cid))) {
			p.fields = append(p.fields, [2]string{"Content-ID", "<" + oneLine(cid) + ">"})
			setDisposition(p, "inline")
			inline = append(inline, p)
			continue
		}
		setDisposition(p, "attachment")
		attached = append(attached, p)
	}
	var root *part
	switch {
	case textPart != nil && htmlPart != nil:
		html := htmlPart
		if len(inline) > 0 {
			html = &part{subtype: "related", children: append([]*part{htmlPart}, inline...)}
		}
		root = &part{subtype: "alternative", children: []*part{textPart, html}}
	case htmlPart != nil && len(inline) > 0:
		root = &part{subtype: "related", children: append([]*part{htmlPart}, inline...)}
	case htmlPart != nil:
		root = htmlPart
	default:
		root = textPart
	}
	if len(attached) > 0 {
		root = &part{subtype: "mixed", children: append([]*part{root}, attached...)}
	}
	writePart(b, root)
}

// setDisposition sets the disposition type in a part's Content-Disposition
// field, which holds the parameters only until then.
func setDisposition(p *part, typ string) {
	for i, f := range p.fields {
		if f[0] == "Content-Disposition" {
			p.fields[i][1] = typ + f[1]
			return
		}
	}
}

func writePart(b *bytes.Buffer, p *part) {
	if p.children == nil {
		for _, f := range p.fields {
			writeField(b, f[0], f[1])
		}
		b.WriteString("\r\n")
		b.Write(p.body)
		return
	}
	boundary := "=_" + rand.Text()
	writeField(b, "Content-Type", mime.FormatMediaType("multipart/"+p.subtype, map[string]string{"boundary": boundary}))
	b.WriteString("\r\n")
	for _, c := range p.children {
		b.WriteString("--" + boundary + "\r\n")
		writePart(b, c)
		b.WriteString("\r\n")
	}
	b.WriteString("--" + boundary + "--\r\n")
}

// textEntity is a text part: 7bit when it is short-lined ASCII,
// quoted-printable otherwise (RFC 2045 6.7).
func textEntity(ct, charset string, body []byte) *part {
	p := &part{fields: [][2]string{{"Content-Type", mime.FormatMediaType(ct, map[string]string{"charset": charset})}}}
	if is7bit(body) {
		p.fields = append(p.fields, [2]string{"Content-Transfer-Encoding", "7bit"})
		p.body = body
		return p
	}
	var qp bytes.Buffer
	w := quotedprintable.NewWriter(&qp)
	w.Write(body)
	w.Close()
	p.fields = append(p.fields, [2]string{"Content-Transfer-Encoding", "quoted-printable"})
	p.body = qp.Bytes()
	return p
}

// is7bit reports whether body can travel as is: ASCII without NUL or bare
// CR/LF, lines at most 76 characters, no trailing white space, and no
// line that would read as a MIME boundary.
func is7bit(body []byte) bool {
	for len(body) > 0 {
		line, rest := cutLine(body)
		if len(rest) > 0 || len(body) > len(line) {
			if len(line) == 0 || line[len(line)-1] != '\r' {
				return false
			}
			line = line[:len(line)-1]
		}
		if len(line) > 76 || bytes.HasPrefix(line, []byte("--")) {
			return false
		}
		if n := len(line); n > 0 && (line[n-1] == ' ' || line[n-1] == '\t') {
			return false
		}
		for _, c := range line {
			if c == 0 || c == '\r' || c >= 0x80 {
				return false
			}
		}
		body = rest
	}
	return true
}

// charsetOf names the charset of PR_INTERNET_CPID code page cp.
func charsetOf(cp int32) string {
	switch cp {
	case 0, 65001:
		return "utf-8"
	case 20127:
		return "us-ascii"
	case 28591:
		return "iso-8859-1"
	case 28605:
		return "iso-8859-15"
	case 932:
		return "shift_jis"
	case 936:
		return "gbk"
	case 950:
		return "big5"
	case 50220:
		return "iso-2022-jp"
	}
	for name, c := range codePages {
		if c == cp && name != "" && name != "utf8" && name != "gb2312" {
			return name
		}
	}
	return "utf-8"
}

// attachment converts one attachment row, or returns nil for one that
// has no Internet form (OLE objects, links) or is nested too deeply.
func (e *exporter) attachment(a Attachment, depth int) *part {
	method, _ := propInt(a.Props, mapi.PrAttachMethod)
	name := propString(a.Props, mapi.PrAttachLongFilename)
	if name == "" {
		name = propString(a.Props, mapi.PrAttachFilename)
	}
	switch {
	case method == mapi.AttachEmbeddedMsg && a.Embedded != nil:
		if depth+1 > e.opt.MaxDepth {
			return nil
		}
		var inner bytes.Buffer
		e.message(&inner, a.Embedded, depth+1)
		p := &part{fields: [][2]string{{"Content-Type", "message/rfc822"}}, body: inner.Bytes()}
		if !isASCII(inner.Bytes()) {
			p.fields = append(p.fields, [2]string{"Content-Transfer-Encoding", "8bit"})
		}
		p.fields = append(p.fields, [2]string{"Content-Disposition", ""})
		return p
	case method == mapi.AttachByValue:
	default:
		return nil
	}
	mt := strings.ToLower(strings.TrimSpace(propString(a.Props, mapi.PrAttachMIMETag)))
	if t, _, err := mime.ParseMediaType(mt); err == nil {
		mt = t // a tag written with parameters
	}
	var params map[string]string
	if name != "" {
		params = map[string]string{"name": name}
	}
	ct := mime.FormatMediaType(mt, params)
	if ct == "" || !strings.Contains(mt, "/") || strings.HasPrefix(mt, "multipart/") {
		ct = mime.FormatMediaType("application/octet-stream", params)
	}
	disp := ""
	if name != "" {
		// FormatMediaType encodes a non-ASCII name by RFC 2231.
		disp = strings.TrimPrefix(mime.FormatMediaType("x", map[string]string{"filename": name}), "x")
	}
	p := &part{fields: [][2]string{{"Content-Type", ct}, {"Content-Transfer-Encoding", "base64"}}}
	if d := propString(a.Props, mapi.PrDisplayName); d != "" && d != name {
		p.fields = append(p.fields, [2]string{"Content-Description", encodeText(d)})
	}
	if loc := oneLine(propString(a.Props, mapi.PrAttachContentLocation)); loc != "" && isASCII([]byte(loc)) {
		p.fields = append(p.fields, [2]string{"Content-Location", loc})
	}
	p.fields = append(p.fields, [2]string{"Content-Disposition", disp})
	p.body = base64Lines(propBytes(a.Props, mapi.PrAttachDataBin))
	return p
}

// base64Lines encodes data in lines of 76 characters (RFC 2045 6.8).
func base64Lines(data []byte) []byte {
	enc := base64.StdEncoding.EncodeToString(data)
	var b bytes.Buffer
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	if enc != "" {
		b.WriteString(enc + "\r\n")
	}
	return b.Bytes()
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// writeField writes one header field, folded before a space wherever a
// line would pass 78 characters (RFC 5322 2.2.3). A line without a space
// to fold at stays long (the hard limit is 998; encodeText keeps words
// short).
func writeField(b *bytes.Buffer, name, value string) {
	value = strings.NewReplacer("\r", " ", "\n", " ").Replace(value)
	line := name + ":"
	if value != "" {
		line += " "
	}
	lineLen := len(line)
	b.WriteString(line)
	words := strings.Split(value, " ")
	for i, w := range words {
		if i > 0 {
			if lineLen+1+len(w) > 78 && lineLen > 1 {
				b.WriteString("\r\n")
				lineLen = 0
			}
			b.WriteString(" ")
			lineLen++
		}
		b.WriteString(w)
		lineLen += len(w)
	}
	b.WriteString("\r\n")
}

// needsEncoding reports whether s cannot travel as plain header text:
// non-ASCII or control characters, text that reads as an encoded-word,
// white space that unfolding would change, or a word too long to fold.
func needsEncoding(s string) bool {
	if strings.Contains(s, "=?") || strings.Contains(s, "  ") || strings.TrimSpace(s) != s {
		return true
	}
	for _, w := range strings.Split(s, " ") {
		if len(w) > 70 {
			return true
		}
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return true
		}
	}
	return false
}

// encodeText encodes unstructured text (Subject, Content-Description) as
// RFC 2047 encoded-words when needed.
func encodeText(s string) string {
	if !needsEncoding(s) {
		return s
	}
	return encodeWords(s)
}

// encodeWords encodes s as UTF-8 encoded-words of at most about 60
// characters each, separated by spaces (RFC 2047 2, 5): Q when most of
// it is ASCII, else B. Words never split a character.
func encodeWords(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	plain := 0
	for i := 0; i < len(s); i++ {
		if isQSafe(s[i]) {
			plain++
		}
	}
	useQ := plain*10 >= len(s)*8
	var words []string
	var cur []byte
	curLen := 0
	flush := func() {
		if len(cur) == 0 {
			return
		}
		if useQ {
			words = append(words, "=?utf-8?q?"+string(cur)+"?=")
		} else {
			words = append(words, "=?utf-8?b?"+base64.StdEncoding.EncodeToString(cur)+"?=")
		}
		cur, curLen = nil, 0
	}
	for _, r := range s {
		var enc []byte
		rb := []byte(string(r))
		if useQ {
			for _, c := range rb {
				switch {
				case c == ' ':
					enc = append(enc, '_')
				case isQSafe(c):
					enc = append(enc, c)
				default:
					enc = append(enc, fmt.Sprintf("=%02X", c)...)
				}
			}
			if curLen+len(enc) > 45 {
				flush()
			}
			cur = append(cur, enc...)
			curLen += len(enc)
		} else {
			if len(cur)+len(rb) > 36 {
				flush()
			}
			cur = append(cur, rb...)
		}
	}
	flush()
	return strings.Join(words, " ")
}

// isQSafe reports whether c may stand for itself in a Q-encoded word in
// any header position, phrases included (RFC 2047 5 (3)).
func isQSafe(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '!' || c == '*' || c == '+' || c == '-' || c == '/'
}

// formatAddress writes a mailbox (RFC 5322 3.4): the display name as
// atoms, a quoted string or encoded-words, then the address in angle
// brackets.
func formatAddress(a address) string {
	addr := (&mail.Address{Address: a.addr}).String()
	name := a.name
	if name == "" || name == a.addr {
		return addr
	}
	return formatPhrase(name) + " " + addr
}

func formatPhrase(s string) string {
	if needsEncoding(s) {
		return encodeWords(s)
	}
	atoms := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c == ' ' || isAtext(c)) {
			atoms = false
			break
		}
	}
	if atoms {
		return s
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// isAtext reports whether c is atext (RFC 5322 3.2.3).
func isAtext(c byte) bool {
	if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
		return true
	}
	return strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}

func isDotAtom(s string) bool {
	if s == "" || !utf8.ValidString(s) {
		return false
	}
	for _, a := range strings.Split(s, ".") {
		if a == "" {
			return false
		}
		for i := 0; i < len(a); i++ {
			if !isAtext(a[i]) {
				return false
			}
		}
	}
	return true
}
