package imapmsg

import (
	"net/mail"
	"slices"
	"strings"
	"time"

	imap "github.com/emersion/go-imap/v2"
)

// MissingHost is the host of an address without domain, so that it is not
// read as the start of a group (RFC 9051 7.5.2: a NIL host marks group
// syntax). The value is the one c-client and its descendants send.
const MissingHost = ".MISSING-HOST-NAME."

// Envelope returns the ENVELOPE of the message (RFC 9051 7.5.2).
//
// Strings are the unfolded raw header values: RFC 2047 encoded-words stay
// encoded and raw 8-bit text stays byte for byte as stored (see the package
// comment). Sender and Reply-To default to From when absent or empty.
// InReplyTo and MessageID hold the message identifiers without angle
// brackets, as go-imap wants them.
func (m *Message) Envelope() *imap.Envelope {
	return envelopeOf(m.raw, m.root)
}

func envelopeOf(raw []byte, e *entity) *imap.Envelope {
	env := &imap.Envelope{}
	if v, ok := e.get(raw, "Date"); ok {
		env.Date = parseDate(v)
	}
	env.Subject, _ = e.get(raw, "Subject")
	addrs := func(name string) []imap.Address {
		v, ok := e.get(raw, name)
		if !ok {
			return nil
		}
		return parseAddressList(v)
	}
	env.From = addrs("From")
	env.Sender = addrs("Sender")
	env.ReplyTo = addrs("Reply-To")
	env.To = addrs("To")
	env.Cc = addrs("Cc")
	env.Bcc = addrs("Bcc")
	// RFC 3501 7.4.2 / RFC 9051 7.5.2: absent or empty Sender and Reply-To
	// are set to From.
	if len(env.Sender) == 0 {
		env.Sender = env.From
	}
	if len(env.ReplyTo) == 0 {
		env.ReplyTo = env.From
	}
	if v, ok := e.get(raw, "In-Reply-To"); ok {
		env.InReplyTo = msgIDs(v)
	}
	if v, ok := e.get(raw, "Message-ID"); ok {
		if ids := msgIDs(v); len(ids) > 0 {
			env.MessageID = ids[0]
		}
	}
	return env
}

// SentDate is the Date: header field (RFC 5322 3.6.1), for SEARCH
// SENTBEFORE/SENTON/SENTSINCE; zero when absent or unparseable.
func (m *Message) SentDate() time.Time {
	if v, ok := m.root.get(m.raw, "Date"); ok {
		return parseDate(v)
	}
	return time.Time{}
}

// parseDate parses an RFC 5322 date-time, leniently (obsolete zones,
// comments, missing day of week or seconds); zero when it cannot.
func parseDate(v string) time.Time {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}
	}
	if t, ok := parseDateFast(v); ok {
		return t
	}
	if t, err := mail.ParseDate(v); err == nil {
		return t
	}
	// Without comments and with white space collapsed.
	clean := strings.Join(strings.Fields(uncomment(v, false)), " ")
	if t, err := mail.ParseDate(clean); err == nil {
		return t
	}
	for _, layout := range []string{
		"Mon, 2 Jan 2006 15:04:05 -0700 MST",
		"Mon, 2 Jan 2006 15:04:05 MST",
		"Mon 2 Jan 2006 15:04:05 -0700",
		"2 Jan 2006 15:04:05",
		"Mon, 2 Jan 2006 15:04:05",
		"Mon, 2 Jan 2006 15:04 -0700",
		time.RFC3339,
	} {
		if t, err := time.Parse(layout, clean); err == nil {
			return t
		}
	}
	return time.Time{}
}

// parseDateFast parses the date-time of nearly every message,
// "[Mon, ]2 Jan 2006 15:04:05 -0700" with at most a plain comment after
// the zone, to what mail.ParseDate gives for it (the instant and the
// zone's offset), without the failed layouts that cost mail.ParseDate
// dozens of allocations. Anything else, an out-of-range value included, is
// left to mail.ParseDate (false).
func parseDateFast(v string) (time.Time, bool) {
	p := dateParser{s: v}
	if len(v) > 4 && v[3] == ',' {
		if !slices.Contains(weekdays[:], v[:3]) || v[4] != ' ' {
			return time.Time{}, false
		}
		p.i = 5
	}
	day, ok := p.num(2)
	if !ok {
		day, ok = p.num(1)
	}
	month := 0
	if ok && p.lit(" ") && p.i+3 <= len(v) {
		month = slices.Index(monthNames[:], v[p.i:p.i+3]) + 1
		p.i += 3
	}
	ok = month > 0 && p.lit(" ")
	year, ok1 := p.num(4)
	ok2 := p.lit(" ")
	hour, ok3 := p.num(2)
	ok4 := p.lit(":")
	min, ok5 := p.num(2)
	ok6 := p.lit(":")
	sec, ok7 := p.num(2)
	ok8 := p.lit(" ")
	if !ok || !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 || !ok7 || !ok8 || p.i >= len(v) || (v[p.i] != '+' && v[p.i] != '-') {
		return time.Time{}, false
	}
	sign := v[p.i]
	p.i++
	zh, ok1 := p.num(2)
	zm, ok2 := p.num(2)
	if !ok1 || !ok2 {
		return time.Time{}, false
	}
	// After the zone: nothing, or one comment without nesting or quoting.
	if rest := v[p.i:]; rest != "" {
		c, ok := strings.CutPrefix(rest, " (")
		if !ok || !strings.HasSuffix(c, ")") || strings.ContainsAny(c[:len(c)-1], "()\\\r\n") {
			return time.Time{}, false
		}
	}
	m := time.Month(month)
	if day < 1 || day > daysIn(m, year) || hour > 23 || min > 59 || sec > 59 || zh > 23 || zm > 59 {
		return time.Time{}, false
	}
	off := (zh*60 + zm) * 60
	if sign == '-' {
		off = -off
	}
	return time.Date(year, m, day, hour, min, sec, 0, time.FixedZone("", off)), true
}

var (
	weekdays   = [...]string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}
	monthNames = [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
)

// dateParser reads the parts of a date-time from s at i.
type dateParser struct {
	s string
	i int
}

// num reads n digits.
func (p *dateParser) num(n int) (int, bool) {
	if p.i+n > len(p.s) {
		return 0, false
	}
	x := 0
	for _, c := range []byte(p.s[p.i : p.i+n]) {
		if c < '0' || c > '9' {
			return 0, false
		}
		x = x*10 + int(c-'0')
	}
	p.i += n
	return x, true
}

// lit reads s.
func (p *dateParser) lit(s string) bool {
	if strings.HasPrefix(p.s[p.i:], s) {
		p.i += len(s)
		return true
	}
	return false
}

// daysIn is the number of days of month m in year.
func daysIn(m time.Month, year int) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// msgIDs returns the message identifiers of an In-Reply-To or Message-ID
// value (RFC 5322 3.6.4) without their angle brackets. A value without any
// <...> gives itself, trimmed.
func msgIDs(v string) []string {
	var ids []string
	rest := v
	for {
		i := strings.IndexByte(rest, '<')
		if i < 0 {
			break
		}
		j := strings.IndexByte(rest[i:], '>')
		if j < 0 {
			break
		}
		if id := strings.TrimSpace(rest[i+1 : i+j]); id != "" {
			ids = append(ids, id)
		}
		rest = rest[i+j+1:]
	}
	if len(ids) == 0 {
		if t := strings.TrimSpace(v); t != "" && !strings.ContainsAny(t, "<>") {
			ids = append(ids, t)
		}
	}
	return ids
}

// parseAddressList parses an RFC 5322 address-list (3.4) into IMAP
// addresses. A group becomes a start marker (Mailbox = group name, no host)
// and an end marker (zero Address), as RFC 9051 7.5.2 describes. Display
// names are the phrase with quotes and comments removed and white space
// collapsed; encoded-words and 8-bit text stay as they are.
func parseAddressList(v string) []imap.Address {
	var out []imap.Address
	s := &scanner{s: v}
	inGroup := false
	for s.i < len(s.s) {
		seg, delim := s.segment()
		switch {
		case delim == ':' && !inGroup:
			if name := phrase(seg); name != "" {
				out = append(out, imap.Address{Mailbox: name})
				inGroup = true
			}
			continue
		}
		if a, ok := parseMailbox(seg); ok {
			out = append(out, a)
		}
		if delim == ';' && inGroup {
			out = append(out, imap.Address{})
			inGroup = false
		}
	}
	if inGroup {
		out = append(out, imap.Address{})
	}
	return out
}

// segment reads up to the next ',', ':' or ';' outside quotes, comments and
// angle brackets and returns the text before it and the delimiter (0 at the
// end).
func (s *scanner) segment() (string, byte) {
	start := s.i
	angle := false
	for s.i < len(s.s) {
		c := s.s[s.i]
		switch {
		case c == '"':
			s.quoted()
			continue
		case c == '(':
			s.skipComment()
			continue
		case c == '<':
			angle = true
		case c == '>':
			angle = false
		case !angle && (c == ',' || c == ':' || c == ';'):
			seg := s.s[start:s.i]
			s.i++
			return seg, c
		}
		s.i++
	}
	return s.s[start:], 0
}

// parseMailbox parses one mailbox: [phrase] <addr-spec> or addr-spec.
func parseMailbox(seg string) (imap.Address, bool) {
	var a imap.Address
	// Find '<' outside quotes and comments.
	s := &scanner{s: seg}
	lt := -1
	for s.i < len(s.s) && lt < 0 {
		switch s.s[s.i] {
		case '"':
			s.quoted()
		case '(':
			s.skipComment()
		case '<':
			lt = s.i
		default:
			s.i++
		}
	}
	spec := seg
	if lt >= 0 {
		a.Name = phrase(seg[:lt])
		spec = seg[lt+1:]
		if gt := strings.IndexByte(spec, '>'); gt >= 0 {
			spec = spec[:gt]
		}
		// obs-route (RFC 5322 4.4): "@a,@b:" before the addr-spec
		if strings.HasPrefix(strings.TrimSpace(spec), "@") {
			if _, r, ok := strings.Cut(spec, ":"); ok {
				spec = r
			}
		}
	}
	spec = uncomment(spec, true)
	at := strings.LastIndexByte(spec, '@')
	switch {
	case at >= 0:
		a.Mailbox, a.Host = spec[:at], spec[at+1:]
	default:
		a.Mailbox = spec
	}
	if a.Mailbox == "" && a.Host == "" && a.Name == "" {
		return a, false
	}
	if a.Host == "" {
		a.Host = MissingHost
	}
	return a, true
}

// phrase returns a display name: quoted strings unquoted, comments dropped,
// white space collapsed to single spaces.
func phrase(v string) string {
	if t := strings.Trim(v, " \t\r\n"); !strings.ContainsAny(t, "(\"\t\r\n") && !strings.Contains(t, "  ") {
		return t
	}
	s := &scanner{s: v}
	var b strings.Builder
	space := false
	for s.i < len(s.s) {
		c := s.s[s.i]
		switch c {
		case ' ', '\t', '\r', '\n':
			space = true
			s.i++
			continue
		case '(':
			s.skipComment()
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		if c == '"' {
			b.WriteString(s.quoted())
			continue
		}
		b.WriteByte(c)
		s.i++
	}
	return b.String()
}
