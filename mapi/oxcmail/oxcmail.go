// Package oxcmail converts Internet mail (RFC 5322 with MIME) into MAPI
// messages as the store writes them (MS-OXCMAIL), producing the same
// properties upstream Gromox's oxcmail import stores.
//
// Invariants: Import never panics, whatever the bytes; a part it cannot
// understand is kept as an attachment or skipped, never fatal; nesting of
// multiparts and embedded messages is bounded by ImportOptions.MaxDepth.
package oxcmail

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gromox-go/gromox/mapi"
)

// Message is a MAPI message as the store writes it.
type Message struct {
	Props       []mapi.PropVal
	Recipients  [][]mapi.PropVal
	Attachments []Attachment
}

// Attachment is one attachment row; Embedded is set for PR_ATTACH_METHOD 5
// (an attached message/rfc822).
type Attachment struct {
	Props    []mapi.PropVal
	Embedded *Message
}

// NamedProps resolves named properties to property ids (the store's
// mapping), creating them.
type NamedProps func(names []mapi.PropName) ([]uint16, error)

// ImportOptions tunes Import. The zero value works.
type ImportOptions struct {
	// NamedProps maps named properties to ids. Only the named properties
	// of TNEF parts need it; when it is nil they are dropped.
	NamedProps NamedProps
	// MaxDepth bounds the nesting of multiparts and embedded messages
	// (default 16). Deeper parts are kept as opaque attachments.
	MaxDepth int
	// Now is the time used for PR_CLIENT_SUBMIT_TIME when the message has
	// no usable Date header (upstream uses the import time). Default
	// time.Now.
	Now func() time.Time
}

// ErrEmpty is returned for zero-length input.
var ErrEmpty = errors.New("oxcmail: empty message")

// Import converts raw RFC 5322 bytes into a MAPI message.
func Import(raw []byte, opt ImportOptions) (m *Message, err error) {
	if len(raw) == 0 {
		return nil, ErrEmpty
	}
	defer func() {
		// Belt and braces: the converter is written not to panic (the fuzz
		// target checks it without this guard), but a delivery must never
		// take its session down.
		if r := recover(); r != nil {
			m, err = nil, fmt.Errorf("oxcmail: internal error: %v", r)
		}
	}()
	return importMessage(raw, opt), nil
}

func importMessage(raw []byte, opt ImportOptions) *Message {
	if opt.MaxDepth <= 0 {
		opt.MaxDepth = 16
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	c := &converter{opt: opt}
	return c.message(raw, 0)
}

type converter struct {
	opt ImportOptions
}

// propList collects properties, the last set of a tag winning.
type propList struct {
	vals []mapi.PropVal
}

func (p *propList) set(tag mapi.PropTag, v any) {
	for i := range p.vals {
		if p.vals[i].Tag == tag {
			p.vals[i].Value = v
			return
		}
	}
	p.vals = append(p.vals, mapi.PropVal{Tag: tag, Value: v})
}

func (p *propList) has(tag mapi.PropTag) bool {
	for _, v := range p.vals {
		if v.Tag == tag {
			return true
		}
	}
	return false
}

func (p *propList) get(tag mapi.PropTag) any {
	for _, v := range p.vals {
		if v.Tag == tag {
			return v.Value
		}
	}
	return nil
}

// Get returns the value of tag in props, or nil.
func Get(props []mapi.PropVal, tag mapi.PropTag) any {
	for _, v := range props {
		if v.Tag == tag {
			return v.Value
		}
	}
	return nil
}

func (c *converter) message(raw []byte, depth int) *Message {
	hdr, body := splitHeader(raw)
	m := &Message{}
	p := &propList{}
	c.headers(hdr, p, m)
	root := &entity{header: hdr, body: body}
	bs := &bodyState{stamp: p.get(mapi.PrClientSubmitTime)}
	c.walkIn(root, depth, bs, m, "", true)
	c.finishBodies(bs, p)
	c.applyTNEF(bs, p, m) // TNEF hook (tnef.go): its properties win
	if Get(p.vals, mapi.PrMessageClass) == nil {
		p.set(mapi.PrMessageClass, "IPM.Note")
	}
	p.set(mapi.PrTransportMessageHeaders, toUTF8(string(headerBlock(raw))))
	// S/MIME (RFC 8551): the signed or enveloped entity is kept intact as
	// the one attachment Outlook verifies or decrypts (MS-OXOSMIME 2.1).
	switch ct, _ := root.contentType(); {
	case ct == "multipart/signed" && isPKCS7(root.param("protocol")):
		p.set(mapi.PrMessageClass, "IPM.Note.SMIME.MultipartSigned")
		m.Attachments = []Attachment{smimeAttachment(raw, "multipart/signed")}
	case isPKCS7(ct):
		p.set(mapi.PrMessageClass, "IPM.Note.SMIME")
		m.Attachments = []Attachment{smimeAttachment(raw, ct)}
	}
	m.Props = p.vals
	return m
}

func isPKCS7(t string) bool {
	t = strings.ToLower(t)
	return t == "application/pkcs7-signature" || t == "application/x-pkcs7-signature" ||
		t == "application/pkcs7-mime" || t == "application/x-pkcs7-mime"
}

func smimeAttachment(raw []byte, mimeTag string) Attachment {
	return Attachment{Props: []mapi.PropVal{
		{Tag: mapi.PrAttachMethod, Value: int32(mapi.AttachByValue)},
		{Tag: mapi.PrAttachMIMETag, Value: mimeTag},
		{Tag: mapi.PrAttachDataBin, Value: raw},
		{Tag: mapi.PrAttachLongFilename, Value: "smime.p7m"},
		{Tag: mapi.PrAttachExtension, Value: ".p7m"},
	}}
}
