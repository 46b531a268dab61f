package oxcmail

import (
	"bytes"
	"io"
	"mime"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-message/charset"
	"golang.org/x/text/encoding/charmap"

	"github.com/gromox-go/gromox/mapi"
)

// field is one header field: its name and its unfolded raw value.
type field struct {
	name, value string
}

type header []field

// get returns the first value of name (case-insensitive), or "".
func (h header) get(name string) string {
	for _, f := range h {
		if strings.EqualFold(f.name, name) {
			return f.value
		}
	}
	return ""
}

// splitHeader splits raw into its header fields and the body. The header
// ends at the first empty line (CRLF or bare LF). Lines without a colon
// are skipped; folded lines are joined (RFC 5322 2.2.3).
func splitHeader(raw []byte) (header, []byte) {
	var h header
	var folded []string // continuation lines of the last field
	flush := func() {
		if len(folded) > 0 && len(h) > 0 {
			h[len(h)-1].value = strings.TrimSpace(h[len(h)-1].value + " " + strings.Join(folded, " "))
		}
		folded = folded[:0]
	}
	rest := raw
	for len(rest) > 0 {
		line, next := cutLine(rest)
		if len(bytes.TrimRight(line, "\r")) == 0 {
			flush()
			return h, next
		}
		rest = next
		l := string(bytes.TrimRight(line, "\r"))
		if l[0] == ' ' || l[0] == '\t' {
			if len(h) > 0 {
				folded = append(folded, strings.TrimLeft(l, " \t"))
			}
			continue
		}
		flush()
		name, value, ok := strings.Cut(l, ":")
		name = strings.TrimRight(name, " \t")
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			continue
		}
		h = append(h, field{name: name, value: strings.TrimSpace(value)})
	}
	flush()
	return h, nil
}

// headerBlock returns the raw header block of raw, including the empty
// line ending it, as upstream stores it in PR_TRANSPORT_MESSAGE_HEADERS.
func headerBlock(raw []byte) []byte {
	rest := raw
	for len(rest) > 0 {
		line, next := cutLine(rest)
		if len(bytes.TrimRight(line, "\r")) == 0 {
			return raw[:len(raw)-len(next)]
		}
		rest = next
	}
	return raw
}

// cutLine returns the first line of b without its LF, and the rest.
func cutLine(b []byte) (line, rest []byte) {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i], b[i+1:]
	}
	return b, nil
}

var wordDecoder = &mime.WordDecoder{CharsetReader: charsetReader}

func charsetReader(cs string, r io.Reader) (io.Reader, error) {
	return charset.Reader(cs, r)
}

// decodeText decodes RFC 2047 encoded-words in a header value. Raw 8-bit
// bytes are taken as UTF-8 when valid, else as Windows-1252.
func decodeText(s string) string {
	if d, err := wordDecoder.DecodeHeader(s); err == nil {
		s = d
	}
	return toUTF8(s)
}

// toUTF8 returns s if it is valid UTF-8, else s read as Windows-1252.
func toUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	d, err := charmap.Windows1252.NewDecoder().String(s)
	if err != nil {
		return strings.ToValidUTF8(s, "\uFFFD")
	}
	return d
}

// address is one parsed mailbox.
type address struct {
	name, addr string
}

// parseAddresses reads an address list leniently: a list net/mail refuses
// is retried item by item, and a bare word with an @ is taken as is.
func parseAddresses(v string) []address {
	p := mail.AddressParser{WordDecoder: wordDecoder}
	if l, err := p.ParseList(v); err == nil {
		out := make([]address, 0, len(l))
		for _, a := range l {
			out = append(out, address{name: toUTF8(a.Name), addr: toUTF8(a.Address)})
		}
		return out
	}
	var out []address
	for _, item := range splitAddressList(v) {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if a, err := p.Parse(item); err == nil {
			out = append(out, address{name: toUTF8(a.Name), addr: toUTF8(a.Address)})
			continue
		}
		if i, j := strings.LastIndexByte(item, '<'), strings.LastIndexByte(item, '>'); i >= 0 && j > i {
			name := strings.Trim(strings.TrimSpace(item[:i]), `"`)
			out = append(out, address{name: decodeText(name), addr: toUTF8(strings.TrimSpace(item[i+1 : j]))})
			continue
		}
		if strings.Contains(item, "@") && !strings.ContainsAny(item, " \t") {
			out = append(out, address{addr: toUTF8(item)})
		}
	}
	return out
}

// splitAddressList splits at commas outside quotes and angle brackets.
func splitAddressList(v string) []string {
	var out []string
	inQuote, angle, start := false, 0, 0
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case '\\':
			i++
		case '"':
			inQuote = !inQuote
		case '<':
			if !inQuote {
				angle++
			}
		case '>':
			if !inQuote && angle > 0 {
				angle--
			}
		case ',':
			if !inQuote && angle == 0 {
				out = append(out, v[start:i])
				start = i + 1
			}
		}
	}
	if start <= len(v) {
		out = append(out, v[start:])
	}
	return out
}

// displayName is the name upstream shows: the phrase, else the address.
func (a address) displayName() string {
	if a.name != "" {
		return a.name
	}
	return a.addr
}

// oneOff builds the one-off entry id (MS-OXCDATA 2.2.5.1) upstream writes
// for an SMTP address: Unicode strings, "no rich info".
func oneOff(name, addr string) []byte {
	b, err := mapi.OneOffEntryID{
		Format:      mapi.OneOffUnicode | mapi.OneOffNoRichInfo,
		DisplayName: strings.ReplaceAll(name, "\x00", ""),
		AddressType: "SMTP",
		Address:     strings.ReplaceAll(addr, "\x00", ""),
	}.MarshalBinary()
	if err != nil {
		return nil
	}
	return b
}

// searchKey is the PR_SEARCH_KEY of an SMTP address: "SMTP:ADDR\0" in
// upper case (MS-OXCMAIL 2.2.3.2.3).
func searchKey(addr string) []byte {
	return append([]byte("SMTP:"+strings.ToUpper(addr)), 0)
}

// Tags of one address-bearing role (From, Sender, ...).
type addrTags struct {
	name, addrType, email, smtp, searchKey, entryID mapi.PropTag
}

var (
	sentRepresentingTags = addrTags{mapi.PrSentRepresentingName, mapi.PrSentRepresentingAddrType,
		mapi.PrSentRepresentingEmailAddress, mapi.PrSentRepresentingSMTPAddress,
		mapi.PrSentRepresentingSearchKey, mapi.PrSentRepresentingEntryID}
	senderTags = addrTags{mapi.PrSenderName, mapi.PrSenderAddrType, mapi.PrSenderEmailAddress,
		mapi.PrSenderSMTPAddress, mapi.PrSenderSearchKey, mapi.PrSenderEntryID}
	// The read receipt's addressee (MS-OXOMSG 2.2.2.29-2.2.2.33); these
	// tags have no constant in package mapi yet.
	readReceiptTags = addrTags{mapi.NewTag(0x402B, mapi.PtUnicode), mapi.NewTag(0x4029, mapi.PtUnicode),
		mapi.NewTag(0x402A, mapi.PtUnicode), mapi.NewTag(0x5D05, mapi.PtUnicode),
		mapi.NewTag(0x0053, mapi.PtBinary), mapi.PrReadReceiptEntryID}
)

func setAddress(p *propList, t addrTags, v string) {
	l := parseAddresses(v)
	if len(l) == 0 {
		if s := strings.TrimSpace(decodeText(v)); s != "" {
			p.set(t.name, s)
		}
		return
	}
	a := l[0]
	p.set(t.name, a.displayName())
	if a.addr == "" {
		return
	}
	p.set(t.addrType, "SMTP")
	p.set(t.email, a.addr)
	p.set(t.smtp, a.addr)
	p.set(t.searchKey, searchKey(a.addr))
	if eid := oneOff(a.displayName(), a.addr); eid != nil {
		p.set(t.entryID, eid)
	}
}

// Recipient types (PR_RECIPIENT_TYPE).
const (
	recipTo  int32 = 1
	recipCc  int32 = 2
	recipBcc int32 = 3
)

func recipientRow(a address, typ int32) []mapi.PropVal {
	name := a.displayName()
	row := []mapi.PropVal{
		{Tag: mapi.PrRecipientType, Value: typ},
		{Tag: mapi.PrDisplayName, Value: name},
		{Tag: mapi.PrTransmitableDisplayName, Value: name},
		{Tag: mapi.PrAddrType, Value: "SMTP"},
		{Tag: mapi.PrEmailAddress, Value: a.addr},
		{Tag: mapi.PrSMTPAddress, Value: a.addr},
		{Tag: mapi.PrSearchKey, Value: searchKey(a.addr)},
		{Tag: mapi.PrDisplayType, Value: int32(0)},
		{Tag: mapi.PrObjectType, Value: int32(mapi.ObjectMailUser)},
		{Tag: mapi.PrRecipientFlags, Value: int32(1)}, // recipSendable
		{Tag: mapi.PrResponsibility, Value: true},
	}
	if eid := oneOff(name, a.addr); eid != nil {
		row = append(row,
			mapi.PropVal{Tag: mapi.PrEntryID, Value: eid},
			mapi.PropVal{Tag: mapi.PrRecipientEntryID, Value: eid},
			mapi.PropVal{Tag: mapi.PrRecordKey, Value: eid})
	}
	return row
}

// flatEntryList encodes a FlatEntryList (MS-OXCDATA 2.3.3): count, total
// size, then each entry's size and bytes padded to 4.
func flatEntryList(eids [][]byte) []byte {
	var body []byte
	for _, e := range eids {
		body = appendU32(body, uint32(len(e)))
		body = append(body, e...)
		for len(body)%4 != 0 {
			body = append(body, 0)
		}
	}
	out := appendU32(nil, uint32(len(eids)))
	out = appendU32(out, uint32(len(body)))
	return append(out, body...)
}

func appendU32(b []byte, v uint32) []byte {
	return append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
}

// Importance and sensitivity values (MS-OXCMAIL 2.2.3.2.5, 2.1.3.2.6).
func parseImportance(s string) int32 {
	switch {
	case strings.EqualFold(s, "low"):
		return 0
	case strings.EqualFold(s, "high"):
		return 2
	}
	return 1
}

func parsePriority(s string) int32 {
	switch {
	case strings.EqualFold(s, "non-urgent"):
		return 0
	case strings.EqualFold(s, "urgent"):
		return 2
	}
	return 1
}

func parseXPriority(s string) int32 {
	if s == "" {
		return 1
	}
	switch s[0] {
	case '1', '2':
		return 2
	case '4', '5':
		return 0
	}
	return 1
}

func parseSensitivity(s string) int32 {
	switch {
	case strings.EqualFold(s, "personal"):
		return 1
	case strings.EqualFold(s, "private"):
		return 2
	case strings.EqualFold(s, "company-confidential"):
		return 3
	}
	return 0
}

// splitSubject splits a subject into prefix and normalized subject as
// upstream does: the prefix is 1 to 3 characters (UTF-16 units) followed
// by ": ", none of them ':' or ' ', not starting with a digit.
func splitSubject(s string) (prefix, normalized string) {
	i := strings.Index(s, ": ")
	if i <= 0 {
		return "", s
	}
	head := s[:i]
	n := 0
	for j, r := range head {
		if r == ':' || r == ' ' || (j == 0 && r >= '0' && r <= '9') {
			return "", s
		}
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	if n < 1 || n > 3 || !utf8.ValidString(head) {
		return "", s
	}
	return s[:i+2], s[i+2:]
}

// parseDate reads an RFC 5322 date leniently.
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if t, err := mail.ParseDate(s); err == nil {
		return t, true
	}
	// Drop a trailing comment such as "(CET)" and retry common forms.
	if i := strings.IndexByte(s, '('); i > 0 {
		s = strings.TrimSpace(s[:i])
	}
	for _, layout := range []string{
		"Mon, 2 Jan 2006 15:04:05 -0700", "2 Jan 2006 15:04:05 -0700",
		"Mon, 2 Jan 2006 15:04:05 MST", "Mon, 2 Jan 2006 15:04 -0700",
		"Mon, 2 Jan 06 15:04:05 -0700", time.RFC3339,
	} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// headers converts the top-level header fields.
func (c *converter) headers(h header, p *propList, m *Message) {
	var replyNames []string
	var replyEIDs [][]byte
	for _, f := range h {
		v := f.value
		if v == "" {
			continue
		}
		switch strings.ToLower(f.name) {
		case "from":
			setAddress(p, sentRepresentingTags, v)
		case "sender":
			setAddress(p, senderTags, v)
		case "reply-to":
			for _, a := range parseAddresses(v) {
				replyNames = append(replyNames, a.displayName())
				// Upstream leaves the display name of these one-offs empty.
				if eid := oneOff(a.name, a.addr); eid != nil {
					replyEIDs = append(replyEIDs, eid)
				}
			}
		case "to", "cc", "bcc":
			typ := map[string]int32{"to": recipTo, "cc": recipCc, "bcc": recipBcc}[strings.ToLower(f.name)]
			for _, a := range parseAddresses(v) {
				if a.addr == "" {
					continue
				}
				m.Recipients = append(m.Recipients, recipientRow(a, typ))
			}
		case "return-receipt-to":
			p.set(mapi.PrOriginatorDeliveryReportRequested, true)
		case "disposition-notification-to":
			p.set(mapi.PrReadReceiptRequested, true)
			p.set(mapi.PrNonReceiptNotificationRequested, true)
			setAddress(p, readReceiptTags, v)
		case "message-id":
			p.set(mapi.PrInternetMessageID, toUTF8(v))
		case "in-reply-to":
			p.set(mapi.PrInReplyToID, toUTF8(v))
		case "references":
			p.set(mapi.PrInternetReferences, toUTF8(v))
		case "date":
			// FILETIME via UnixNano holds years 1678 to 2262 only.
			if t, ok := parseDate(v); ok && t.Year() > 1678 && t.Year() < 2262 {
				p.set(mapi.PrClientSubmitTime, mapi.FileTimeOf(t))
			}
		case "sensitivity":
			p.set(mapi.PrSensitivity, parseSensitivity(v))
		case "importance", "x-msmail-priority":
			p.set(mapi.PrImportance, parseImportance(v))
		case "priority":
			p.set(mapi.PrImportance, parsePriority(v))
		case "x-priority":
			p.set(mapi.PrImportance, parseXPriority(v))
		case "subject":
			s := decodeText(v)
			p.set(mapi.PrSubject, s)
			pre, norm := splitSubject(s)
			p.set(mapi.PrSubjectPrefix, pre)
			p.set(mapi.PrNormalizedSubject, norm)
			p.set(mapi.PrConversationTopic, norm)
		case "list-unsubscribe":
			p.set(mapi.PrListUnsubscribe, toUTF8(v))
		}
	}
	if len(replyEIDs) > 0 {
		p.set(mapi.PrReplyRecipientNames, strings.Join(replyNames, ";"))
		p.set(mapi.PrReplyRecipientEntries, flatEntryList(replyEIDs))
	}
	// Without Sender, the sender is the author (MS-OXCMAIL 2.2.3.2.1).
	if !p.has(mapi.PrSenderName) && !p.has(mapi.PrSenderSMTPAddress) {
		copyRole(p, sentRepresentingTags, senderTags)
	} else if !p.has(mapi.PrSentRepresentingName) && !p.has(mapi.PrSentRepresentingSMTPAddress) {
		copyRole(p, senderTags, sentRepresentingTags)
	}
	if !p.has(mapi.PrImportance) {
		p.set(mapi.PrImportance, int32(1))
	}
	if !p.has(mapi.PrSensitivity) {
		p.set(mapi.PrSensitivity, int32(0))
	}
	if !p.has(mapi.PrClientSubmitTime) {
		p.set(mapi.PrClientSubmitTime, mapi.FileTimeOf(c.opt.Now()))
	}
	p.set(mapi.PrCreationTime, p.get(mapi.PrClientSubmitTime))
}

func copyRole(p *propList, from, to addrTags) {
	for _, pair := range [][2]mapi.PropTag{
		{from.name, to.name}, {from.addrType, to.addrType}, {from.email, to.email},
		{from.smtp, to.smtp}, {from.searchKey, to.searchKey}, {from.entryID, to.entryID},
	} {
		if v := p.get(pair[0]); v != nil {
			p.set(pair[1], v)
		}
	}
}
