package oxcmail

import (
	"strings"

	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/mapi/rtf"
	"github.com/gromox-go/gromox/mapi/tnef"
)

// TNEF parts (MS-OXCMAIL 2.1.3.4, MS-OXTNEF): an application/ms-tnef part
// (or one named winmail.dat) that decodes is not kept as an attachment;
// its attachments become the message's, at the part's place, and its
// message properties override those from the MIME headers and bodies once
// the walk is done. A part that does not decode stays an ordinary
// attachment.

// isTNEF reports whether e is a TNEF part.
func isTNEF(ct string, e *entity) bool {
	return ct == "application/ms-tnef" || ct == "application/vnd.ms-tnef" ||
		strings.EqualFold(e.filename(), "winmail.dat")
}

// unpackTNEF decodes e and adds its attachments to m, keeping the message
// properties in bs for applyTNEF. It reports whether e decoded.
func (c *converter) unpackTNEF(e *entity, bs *bodyState, m *Message) bool {
	tm, err := tnef.Decode(e.decoded(), tnef.Options{NamedProps: c.opt.NamedProps})
	if err != nil {
		return false
	}
	for _, a := range tm.Attachments {
		att := fromTNEFAttachment(a)
		if Get(att.Props, mapi.PrCreationTime) == nil {
			p := &propList{vals: att.Props}
			setStamp(p, bs)
			att.Props = p.vals
		}
		m.Attachments = append(m.Attachments, att)
	}
	bs.tnef = append(bs.tnef, tm)
	return true
}

// applyTNEF sets the message properties of the decoded TNEF parts over
// those of the MIME message. The MIME recipients stay (they are the SMTP
// envelope's truth); the TNEF recipient table is used only when the
// headers named none.
func (c *converter) applyTNEF(bs *bodyState, p *propList, m *Message) {
	for _, tm := range bs.tnef {
		for _, v := range tm.Props {
			if !keepFromTNEF(v.Tag) || v.Tag.ID() == mapi.PrTransportMessageHeaders.ID() || v.Tag == mapi.PrAttachDataObj {
				continue
			}
			if s, ok := v.Value.(string); ok && v.Tag == mapi.PrBody {
				v.Value = normalizeNewlines(s) // CRLF, as for MIME text
			}
			p.set(v.Tag, v.Value)
		}
		if len(m.Recipients) == 0 {
			for _, r := range tm.Recipients {
				m.Recipients = append(m.Recipients, recipientFromTNEF(r))
			}
		}
		props := tm.Props
		// A TNEF subject without its parts: derive them as for the
		// Subject header.
		if s, ok := Get(props, mapi.PrSubject).(string); ok && Get(props, mapi.PrNormalizedSubject) == nil {
			pre, norm := splitSubject(s)
			p.set(mapi.PrSubjectPrefix, pre)
			p.set(mapi.PrNormalizedSubject, norm)
			if Get(props, mapi.PrConversationTopic) == nil {
				p.set(mapi.PrConversationTopic, norm)
			}
		}
		// A TNEF plain body replaces the MIME one; the HTML rendering of
		// the old text goes with it unless the MIME message had real HTML.
		if s, ok := Get(props, mapi.PrBody).(string); ok && Get(props, mapi.PrHTML) == nil && bs.html == nil {
			p.set(mapi.PrHTML, textToHTML(normalizeNewlines(s)))
			p.set(mapi.PrInternetCPID, int32(65001))
		}
		c, ok := Get(props, mapi.PrRTFCompressed).([]byte)
		if ok && Get(props, mapi.PrBody) == nil && Get(props, mapi.PrHTML) == nil {
			setRTFBody(c, bs, p)
		}
	}
}

// setRTFBody sets the body of a TNEF message whose only body is its RTF
// (Outlook's rich text format). The HTML the RTF encapsulates is PR_HTML,
// beside the MIME text. Other RTF's text replaces the MIME text as a TNEF
// plain body does, and, unless the MIME message had real HTML, the RTF's
// rendering (or for text in RTF, the text's) is PR_HTML. RTF that does
// not decode sets nothing.
func setRTFBody(compressed []byte, bs *bodyState, p *propList) {
	html, text, err := rtf.FromCompressed(compressed)
	switch {
	case err != nil:
		return
	case text == "" && html != nil: // encapsulated HTML
	default:
		text = normalizeNewlines(text)
		p.set(mapi.PrBody, text)
		if bs.html != nil {
			return
		}
		if html == nil {
			html = textToHTML(text)
		}
	}
	p.set(mapi.PrHTML, html)
	p.set(mapi.PrInternetCPID, int32(65001))
}

// senderStoreOnly lists the ids of properties that describe the sender's
// copy of the message in its store; the receiving store sets its own.
var senderStoreOnly = map[uint16]bool{
	mapi.PrMessageFlags.ID(): true, mapi.PrMessageSize.ID(): true, mapi.PrParentEntryID.ID(): true,
	mapi.PrHasAttach.ID(): true, mapi.PrAccess.ID(): true, mapi.PrInstanceKey.ID(): true,
	mapi.PrAccessLevel.ID(): true, mapi.PrMappingSignature.ID(): true, mapi.PrRecordKey.ID(): true,
	mapi.PrStoreRecordKey.ID(): true, mapi.PrStoreEntryID.ID(): true, mapi.PrObjectType.ID(): true,
	mapi.PrEntryID.ID(): true, mapi.PrSourceKey.ID(): true, mapi.PrParentSourceKey.ID(): true,
	mapi.PrChangeKey.ID(): true, mapi.PrPredecessorChangeList.ID(): true, mapi.PrAttachNum.ID(): true,
}

// keepFromTNEF reports whether a TNEF property is taken: not one of the
// sender's store, and no PT_OBJECT but an attachment's data (the store
// keeps no other objects).
func keepFromTNEF(tag mapi.PropTag) bool {
	return !senderStoreOnly[tag.ID()] && (tag.Type() != mapi.PtObject || tag == mapi.PrAttachDataObj)
}

func filterProps(l []mapi.PropVal) []mapi.PropVal {
	out := make([]mapi.PropVal, 0, len(l))
	for _, v := range l {
		if keepFromTNEF(v.Tag) {
			out = append(out, v)
		}
	}
	return out
}

// recipientFromTNEF keeps a recipient row but its PT_OBJECT values; the
// row's entry id and record key are the recipient's, not the sender's
// store's.
func recipientFromTNEF(r []mapi.PropVal) []mapi.PropVal {
	out := make([]mapi.PropVal, 0, len(r))
	for _, v := range r {
		if v.Tag.Type() != mapi.PtObject {
			out = append(out, v)
		}
	}
	return out
}

func fromTNEFAttachment(a tnef.Attachment) Attachment {
	att := Attachment{Props: filterProps(a.Props)}
	if a.Embedded != nil {
		att.Embedded = fromTNEFMessage(a.Embedded)
	}
	return att
}

// fromTNEFMessage converts an embedded message of a TNEF stream.
func fromTNEFMessage(tm *tnef.Message) *Message {
	m := &Message{Props: filterProps(tm.Props)}
	if Get(m.Props, mapi.PrMessageClass) == nil {
		m.Props = append(m.Props, mapi.PropVal{Tag: mapi.PrMessageClass, Value: "IPM.Note"})
	}
	for _, r := range tm.Recipients {
		m.Recipients = append(m.Recipients, recipientFromTNEF(r))
	}
	for _, a := range tm.Attachments {
		m.Attachments = append(m.Attachments, fromTNEFAttachment(a))
	}
	return m
}
