package imapmsg

import (
	"fmt"
	"sort"
	"strings"
	"time"

	imap "github.com/emersion/go-imap/v2"
)

// The helpers here write envelopes and body structures the way they travel
// on the wire (RFC 9051 7.5.2), so that tests read like FETCH responses. They
// quote every string and write NIL for empty ones, like go-imap's server,
// and write MD5 from ContentMD5 being absent as NIL.

func crlf(s string) []byte { return []byte(strings.ReplaceAll(s, "\n", "\r\n")) }

func wireString(s string) string {
	if s == "" {
		return "NIL"
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

func wireParams(p map[string]string) string {
	if len(p) == 0 {
		return "NIL"
	}
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var l []string
	for _, k := range keys {
		l = append(l, wireString(k)+" "+wireString(p[k]))
	}
	return "(" + strings.Join(l, " ") + ")"
}

func wireDisposition(d *imap.BodyStructureDisposition) string {
	if d == nil {
		return "NIL"
	}
	return "(" + wireString(d.Value) + " " + wireParams(d.Params) + ")"
}

func wireLang(l []string) string {
	if len(l) == 0 {
		return "NIL"
	}
	var q []string
	for _, s := range l {
		q = append(q, wireString(s))
	}
	return "(" + strings.Join(q, " ") + ")"
}

func wireBS(bs imap.BodyStructure, extended bool) string {
	switch bs := bs.(type) {
	case *imap.BodyStructureMultiPart:
		var b strings.Builder
		b.WriteString("(")
		for _, c := range bs.Children {
			b.WriteString(wireBS(c, extended))
		}
		b.WriteString(" " + wireString(bs.Subtype))
		if extended {
			x := bs.Extended
			fmt.Fprintf(&b, " %s %s %s %s", wireParams(x.Params), wireDisposition(x.Disposition), wireLang(x.Language), wireString(x.Location))
		}
		return b.String() + ")"
	case *imap.BodyStructureSinglePart:
		var b strings.Builder
		fmt.Fprintf(&b, "(%s %s %s %s %s %s %d", wireString(bs.Type), wireString(bs.Subtype), wireParams(bs.Params),
			wireString(bs.ID), wireString(bs.Description), wireString(bs.Encoding), bs.Size)
		if m := bs.MessageRFC822; m != nil {
			fmt.Fprintf(&b, " %s %s %d", wireEnvelope(m.Envelope), wireBS(m.BodyStructure, extended), m.NumLines)
		} else if t := bs.Text; t != nil {
			fmt.Fprintf(&b, " %d", t.NumLines)
		}
		if extended {
			x := bs.Extended
			fmt.Fprintf(&b, " NIL %s %s %s", wireDisposition(x.Disposition), wireLang(x.Language), wireString(x.Location))
		}
		return b.String() + ")"
	}
	return fmt.Sprintf("<%T>", bs)
}

func wireAddrs(l []imap.Address) string {
	if len(l) == 0 {
		return "NIL"
	}
	var b strings.Builder
	b.WriteString("(")
	for _, a := range l {
		fmt.Fprintf(&b, "(%s NIL %s %s)", wireString(a.Name), wireString(a.Mailbox), wireString(a.Host))
	}
	return b.String() + ")"
}

func wireEnvelope(e *imap.Envelope) string {
	date := "NIL"
	if !e.Date.IsZero() {
		date = wireString(e.Date.Format(time.RFC1123Z))
	}
	irt := "NIL"
	if len(e.InReplyTo) > 0 {
		irt = wireString("<" + strings.Join(e.InReplyTo, "> <") + ">")
	}
	mid := "NIL"
	if e.MessageID != "" {
		mid = wireString("<" + e.MessageID + ">")
	}
	return fmt.Sprintf("(%s %s %s %s %s %s %s %s %s %s)", date, wireString(e.Subject),
		wireAddrs(e.From), wireAddrs(e.Sender), wireAddrs(e.ReplyTo), wireAddrs(e.To), wireAddrs(e.Cc), wireAddrs(e.Bcc),
		irt, mid)
}
