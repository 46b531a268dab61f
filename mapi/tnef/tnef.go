// Package tnef decodes Transport Neutral Encapsulation Format streams
// (MS-OXTNEF), the winmail.dat parts Outlook and Exchange attach to
// Internet mail, into MAPI properties, recipients and attachments.
//
// Invariants:
//   - Decode never panics. Every length and count is checked against the
//     bytes left before anything is read or allocated; nested streams
//     (embedded messages) are bounded by Options.MaxDepth and the number of
//     values of one Decode by Options.MaxValues.
//   - Decoded values never alias the input.
//   - Encapsulated properties (attMsgProps, attAttachment) win over the
//     values mapped from legacy attributes, wherever they sit in the stream
//     (MS-OXTNEF 2.1.3).
//   - PT_STRING8 values and 8-bit attribute strings are converted from the
//     stream's code page (attOemCodepage) and returned as PT_UNICODE.
//   - Named properties are resolved through Options.NamedProps; without it
//     they are dropped, never returned with the stream's local ids.
//   - Defects the format lets a reader survive (checksum mismatches,
//     unknown attributes, impossible dates, a nested stream that does not
//     decode) are listed in Message.Problems; anything that breaks the
//     structure makes Decode fail, so that the caller can keep the stream
//     whole as an ordinary attachment.
package tnef

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/mapi/codepage"
)

// Signature is the first u32 of every TNEF stream (MS-OXTNEF 2.1.3.1).
const Signature = 0x223E9F78

// Attribute levels (MS-OXTNEF 2.1.3.1 AttrLevel).
const (
	LevelMessage    = 0x01
	LevelAttachment = 0x02
)

// Attribute ids: the attribute number in the low 16 bits and its legacy
// type in the high 16 (MS-OXTNEF 2.1.3.3).
const (
	AttFrom                    = 0x00008000 // atpTriples
	AttSubject                 = 0x00018004 // atpString
	AttDateSent                = 0x00038005 // atpDate
	AttDateRecd                = 0x00038006
	AttMessageStatus           = 0x00068007 // atpByte
	AttMessageClass            = 0x00078008 // atpWord
	AttMessageID               = 0x00018009
	AttParentID                = 0x0001800A
	AttConversationID          = 0x0001800B
	AttBody                    = 0x0002800C // atpText
	AttPriority                = 0x0004800D // atpShort
	AttAttachData              = 0x0006800F
	AttAttachTitle             = 0x00018010
	AttAttachMetaFile          = 0x00068011
	AttAttachCreateDate        = 0x00038012
	AttAttachModifyDate        = 0x00038013
	AttDateModified            = 0x00038020
	AttAttachTransportFilename = 0x00069001
	AttAttachRendData          = 0x00069002
	AttMsgProps                = 0x00069003 // attMAPIProps
	AttRecipTable              = 0x00069004
	AttAttachment              = 0x00069005
	AttTnefVersion             = 0x00089006 // atpDword
	AttOemCodepage             = 0x00069007
	AttOriginalMessageClass    = 0x00070006
	AttOwner                   = 0x00060000
	AttSentFor                 = 0x00060001
	AttDelegate                = 0x00060002
	AttDateStart               = 0x00030006
	AttDateEnd                 = 0x00030007
	AttAidOwner                = 0x00050008
	AttRequestRes              = 0x00040009
)

// Message is a decoded TNEF stream: the message's properties, its
// recipient rows and its attachments. Problems is set on the outermost
// message only and lists what was tolerated, nested streams included.
type Message struct {
	Props       []mapi.PropVal
	Recipients  [][]mapi.PropVal
	Attachments []Attachment
	Problems    []Problem
}

// Attachment is one attachment; Embedded is set for an embedded message
// (PR_ATTACH_METHOD 5, PR_ATTACH_DATA_OBJ holding a nested stream).
type Attachment struct {
	Props    []mapi.PropVal
	Embedded *Message
}

// Problem is a defect Decode tolerated.
type Problem struct {
	Offset    int    // of the attribute in its stream
	Attribute uint32 // attribute id, 0 for the stream itself
	Reason    string
}

func (p Problem) String() string {
	return fmt.Sprintf("offset %d attribute %#08x: %s", p.Offset, p.Attribute, p.Reason)
}

// Options tunes Decode. The zero value works.
type Options struct {
	// NamedProps maps named properties to the store's property ids (as
	// oxcmail.ImportOptions.NamedProps does); an id of 0 drops the value.
	// Without it named properties are dropped.
	NamedProps func(names []mapi.PropName) ([]uint16, error)
	// MaxDepth bounds the nesting of embedded messages (default 8).
	// Deeper ones are kept as opaque application/ms-tnef attachments.
	MaxDepth int
	// MaxValues bounds the number of property values (multi-value
	// elements counted one by one) of one Decode (default 1<<20).
	MaxValues int
}

var (
	// ErrNotTNEF is returned when the input does not start with the
	// signature.
	ErrNotTNEF = errors.New("tnef: not a TNEF stream")
	// ErrCorrupt is returned when the stream breaks the format.
	ErrCorrupt = errors.New("tnef: corrupt stream")
	// ErrTooLarge is returned when the stream exceeds Options.MaxValues.
	ErrTooLarge = errors.New("tnef: too many values")
)

// Decode decodes one TNEF stream.
func Decode(b []byte, opt Options) (*Message, error) {
	if opt.MaxDepth <= 0 {
		opt.MaxDepth = 8
	}
	if opt.MaxValues <= 0 {
		opt.MaxValues = 1 << 20
	}
	d := &decoder{opt: opt}
	m, err := d.stream(b, 0, defaultCodepage)
	if err != nil {
		return nil, err
	}
	m.Problems = d.problems
	return m, nil
}

type decoder struct {
	opt      Options
	problems []Problem
	values   int
}

// stream is one TNEF stream being decoded: the outer one or a nested one.
type stream struct {
	d        *decoder
	depth    int
	codepage uint32
	off      int    // offset of the current attribute, for problems
	attr     uint32 // the current attribute
}

func (s *stream) problem(format string, args ...any) {
	s.d.problems = append(s.d.problems, Problem{Offset: s.off, Attribute: s.attr, Reason: fmt.Sprintf(format, args...)})
}

func (s *stream) corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: offset %d attribute %#08x: %s", ErrCorrupt, s.off, s.attr, fmt.Sprintf(format, args...))
}

// props collects a property list: the values mapped from attributes and
// the encapsulated ones, which win.
type props struct {
	mapped, encap []mapi.PropVal
}

func set(l *[]mapi.PropVal, tag mapi.PropTag, v any) {
	for i := range *l {
		if (*l)[i].Tag == tag {
			(*l)[i].Value = v
			return
		}
	}
	*l = append(*l, mapi.PropVal{Tag: tag, Value: v})
}

func get(l []mapi.PropVal, tag mapi.PropTag) any {
	for _, v := range l {
		if v.Tag == tag {
			return v.Value
		}
	}
	return nil
}

func (p *props) list() []mapi.PropVal {
	out := append([]mapi.PropVal(nil), p.mapped...)
	for _, v := range p.encap {
		set(&out, v.Tag, v.Value)
	}
	return out
}

// attachment is an attachment being decoded.
type attachment struct {
	props
	embedded *Message
}

// stream decodes b (MS-OXTNEF 2.1.3.1): the signature, the legacy key,
// then attributes to the end, message attributes and each attachment's
// attributes in any order.
func (d *decoder) stream(b []byte, depth int, codepage uint32) (*Message, error) {
	if len(b) < 6 || binary.LittleEndian.Uint32(b) != Signature {
		return nil, ErrNotTNEF
	}
	s := &stream{d: d, depth: depth, codepage: codepage}
	var msg props
	var m Message
	var atts []*attachment
	pos := 6 // signature and LegacyKey (u16, unused)
	for pos < len(b) {
		s.off, s.attr = pos, 0
		// AttrLevel u8, ID u32, Length u32, Data, Checksum u16.
		if len(b)-pos < 11 {
			s.problem("%d trailing bytes", len(b)-pos)
			break
		}
		level := b[pos]
		s.attr = binary.LittleEndian.Uint32(b[pos+1:])
		n := binary.LittleEndian.Uint32(b[pos+5:])
		if uint64(n) > uint64(len(b)-pos-11) {
			return nil, s.corrupt("length %d exceeds the %d bytes left", n, len(b)-pos-11)
		}
		data := b[pos+9 : pos+9+int(n)]
		sum := binary.LittleEndian.Uint16(b[pos+9+int(n):])
		pos += 11 + int(n)
		// Checksum: the sum of the data bytes modulo 65536. A mismatch is
		// reported, the value still used; the message class attributes'
		// checksums are not checked, legacy writers got them wrong
		// (MS-OXTNEF 2.3.3.4).
		if c := checksum(data); c != sum && s.attr != AttMessageClass && s.attr != AttOriginalMessageClass {
			s.problem("checksum %#04x, computed %#04x", sum, c)
		}
		switch level {
		case LevelMessage:
			if err := s.messageAttr(data, &msg, &m); err != nil {
				return nil, err
			}
		case LevelAttachment:
			// Each attachment starts with attAttachRendData
			// (MS-OXTNEF 2.1.3); an attribute before it opens one too.
			if s.attr == AttAttachRendData || len(atts) == 0 {
				if s.attr != AttAttachRendData {
					s.problem("attachment attribute before attAttachRendData")
				}
				atts = append(atts, &attachment{})
			}
			if err := s.attachAttr(data, atts[len(atts)-1]); err != nil {
				return nil, err
			}
		default:
			return nil, s.corrupt("attribute level %#x", level)
		}
	}
	m.Props = msg.list()
	for _, a := range atts {
		l := a.list()
		att := Attachment{Props: l, Embedded: a.embedded}
		if a.embedded != nil {
			set(&att.Props, mapi.PrAttachMethod, int32(mapi.AttachEmbeddedMsg))
		} else if get(l, mapi.PrAttachLongFilename) == nil {
			// The 8.3 title is all a legacy encoder sends.
			if t, ok := get(l, mapi.PrAttachFilename).(string); ok && t != "" {
				set(&att.Props, mapi.PrAttachLongFilename, t)
			}
		}
		if get(att.Props, mapi.PrAttachExtension) == nil {
			if name, ok := get(att.Props, mapi.PrAttachLongFilename).(string); ok {
				if ext := path.Ext(name); ext != "" && ext != "." {
					set(&att.Props, mapi.PrAttachExtension, ext)
				}
			}
		}
		m.Attachments = append(m.Attachments, att)
	}
	return &m, nil
}

func checksum(b []byte) uint16 {
	var c uint16
	for _, x := range b {
		c += uint16(x)
	}
	return c
}

// Tags without a constant in package mapi.
var (
	prParentKey         = mapi.NewTag(0x0025, mapi.PtBinary)  // PR_PARENT_KEY
	prConversationKey   = mapi.NewTag(0x000B, mapi.PtBinary)  // PR_CONVERSATION_KEY
	prOrigMessageClass  = mapi.NewTag(0x004B, mapi.PtUnicode) // PR_ORIG_MESSAGE_CLASS
	prStartDate         = mapi.NewTag(0x0060, mapi.PtSysTime) // PR_START_DATE
	prEndDate           = mapi.NewTag(0x0061, mapi.PtSysTime) // PR_END_DATE
	prResponseRequested = mapi.NewTag(0x0063, mapi.PtBoolean) // PR_RESPONSE_REQUESTED
)

// messageAttr applies one message-level attribute (MS-OXTNEF 2.1.3.3 and
// its mapping of attributes to properties).
func (s *stream) messageAttr(data []byte, p *props, m *Message) error {
	switch s.attr {
	case AttTnefVersion:
		// Informational only.
	case AttOriginalMessageClass:
		set(&p.mapped, prOrigMessageClass, legacyClass(s.string8(data)))
	case AttOemCodepage:
		// u32 code page, u32 secondary code page (unused).
		if len(data) < 4 {
			return s.corrupt("attOemCodepage of %d bytes", len(data))
		}
		s.codepage = binary.LittleEndian.Uint32(data)
	case AttMessageClass:
		set(&p.mapped, mapi.PrMessageClass, legacyClass(s.string8(data)))
	case AttSubject:
		set(&p.mapped, mapi.PrSubject, s.string8(data))
	case AttBody:
		set(&p.mapped, mapi.PrBody, s.string8(data))
	case AttDateSent, AttDateRecd, AttDateModified, AttDateStart, AttDateEnd:
		// MS-OXTNEF 2.1.3.3.4.
		tag := map[uint32]mapi.PropTag{AttDateSent: mapi.PrClientSubmitTime,
			AttDateRecd: mapi.PrMessageDeliveryTime, AttDateModified: mapi.PrLastModificationTime,
			AttDateStart: prStartDate, AttDateEnd: prEndDate}[s.attr]
		if t, ok := s.date(data); ok {
			set(&p.mapped, tag, t)
		}
	case AttRequestRes:
		if len(data) < 2 {
			return s.corrupt("attRequestRes of %d bytes", len(data))
		}
		set(&p.mapped, prResponseRequested, binary.LittleEndian.Uint16(data) != 0)
	case AttPriority:
		// atpShort: 1 high, 2 normal, 3 low; PR_IMPORTANCE 2, 1, 0.
		if len(data) < 2 {
			return s.corrupt("attPriority of %d bytes", len(data))
		}
		switch binary.LittleEndian.Uint16(data) {
		case 1:
			set(&p.mapped, mapi.PrImportance, int32(2))
		case 2:
			set(&p.mapped, mapi.PrImportance, int32(1))
		case 3:
			set(&p.mapped, mapi.PrImportance, int32(0))
		default:
			s.problem("priority %d", binary.LittleEndian.Uint16(data))
		}
	case AttMessageStatus:
		if len(data) < 1 {
			return s.corrupt("empty attMessageStatus")
		}
		set(&p.mapped, mapi.PrMessageFlags, messageFlags(data[0]))
	case AttMessageID, AttParentID, AttConversationID:
		// A hex string of the binary key.
		tag := map[uint32]mapi.PropTag{AttMessageID: mapi.PrSearchKey,
			AttParentID: prParentKey, AttConversationID: prConversationKey}[s.attr]
		if k, err := hex.DecodeString(strings.TrimRight(string(data), "\x00")); err == nil && len(k) > 0 {
			set(&p.mapped, tag, k)
		} else {
			s.problem("key is not hex")
		}
	case AttFrom:
		return s.from(data, p)
	case AttMsgProps:
		bl, err := s.propBlock(data)
		if err != nil {
			return err
		}
		for _, v := range bl.vals {
			set(&p.encap, v.Tag, v.Value)
		}
	case AttRecipTable:
		rows, err := s.recipTable(data)
		if err != nil {
			return err
		}
		m.Recipients = append(m.Recipients, rows...)
	default:
		// attOwner, attSentFor, attDelegate, attAidOwner: meeting data of
		// the legacy format, which current encoders also write as
		// encapsulated properties.
		s.problem("message attribute not converted")
	}
	return nil
}

// attachAttr applies one attachment-level attribute.
func (s *stream) attachAttr(data []byte, a *attachment) error {
	switch s.attr {
	case AttAttachRendData:
		// RENDDATA: atyp u16, ulPosition u32, dxWidth u16, dyHeight u16,
		// dwFlags u32.
		if len(data) < 6 {
			return s.corrupt("attAttachRendData of %d bytes", len(data))
		}
		method := int32(mapi.AttachByValue)
		if binary.LittleEndian.Uint16(data) == 2 { // atypOle
			method = int32(mapi.AttachOLE)
		}
		set(&a.mapped, mapi.PrAttachMethod, method)
		set(&a.mapped, mapi.PrRenderingPosition, int32(binary.LittleEndian.Uint32(data[2:])))
	case AttAttachData:
		if m, _ := get(a.mapped, mapi.PrAttachMethod).(int32); m == int32(mapi.AttachOLE) {
			set(&a.mapped, mapi.PrAttachDataObj, clone(data))
		} else {
			set(&a.mapped, mapi.PrAttachDataBin, clone(data))
		}
	case AttAttachTitle:
		set(&a.mapped, mapi.PrAttachFilename, s.string8(data))
	case AttAttachMetaFile:
		set(&a.mapped, mapi.PrAttachRendering, clone(data))
	case AttAttachCreateDate, AttAttachModifyDate:
		tag := mapi.PrCreationTime
		if s.attr == AttAttachModifyDate {
			tag = mapi.PrLastModificationTime
		}
		if t, ok := s.date(data); ok {
			set(&a.mapped, tag, t)
		}
	case AttAttachTransportFilename:
		set(&a.mapped, mapi.PrAttachTransportName, s.string8(data))
	case AttAttachment:
		bl, err := s.propBlock(data)
		if err != nil {
			return err
		}
		for _, v := range bl.vals {
			set(&a.encap, v.Tag, v.Value)
		}
		if bl.embedded != nil {
			a.embedded = bl.embedded
		}
		if bl.opaque != nil {
			// A nested stream that does not decode stays a winmail.dat
			// of its own.
			set(&a.encap, mapi.PrAttachMethod, int32(mapi.AttachByValue))
			set(&a.encap, mapi.PrAttachDataBin, bl.opaque)
			set(&a.encap, mapi.PrAttachMIMETag, "application/ms-tnef")
			if get(a.encap, mapi.PrAttachLongFilename) == nil {
				set(&a.encap, mapi.PrAttachLongFilename, "winmail.dat")
			}
		}
	default:
		s.problem("attachment attribute not converted")
	}
	return nil
}

func clone(b []byte) []byte { return append([]byte{}, b...) }

// string8 reads an atpString/atpText value: 8-bit text in the stream's
// code page, cut at the first NUL.
func (s *stream) string8(b []byte) string {
	if i := indexNUL(b); i >= 0 {
		b = b[:i]
	}
	return codepage.Decode(b, s.codepage)
}

func indexNUL(b []byte) int {
	for i, c := range b {
		if c == 0 {
			return i
		}
	}
	return -1
}

// date reads an atpDate (a DTR: year, month, day, hour, minute, second,
// day of week, each u16). The time has no zone; it is taken as UTC. The
// encapsulated PR_ properties, when present, carry the exact instant.
func (s *stream) date(b []byte) (mapi.FileTime, bool) {
	if len(b) < 12 {
		s.problem("date of %d bytes", len(b))
		return 0, false
	}
	f := func(i int) int { return int(binary.LittleEndian.Uint16(b[2*i:])) }
	y, mo, d, h, mi, sec := f(0), f(1), f(2), f(3), f(4), f(5)
	if y < 1601 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59 {
		s.problem("date %d-%d-%d %d:%d:%d out of range", y, mo, d, h, mi, sec)
		return 0, false
	}
	return mapi.FileTimeOf(time.Date(y, time.Month(mo), d, h, mi, sec, 0, time.UTC)), true
}

// messageFlags maps attMessageStatus bits (fmsModified 0x01, fmsLocal 0x02,
// fmsSubmitted 0x04, fmsRead 0x20, fmsHasAttach 0x80) to PR_MESSAGE_FLAGS.
func messageFlags(st byte) int32 {
	var f int32
	if st&0x20 != 0 {
		f |= mapi.MsgFlagRead
	}
	if st&0x01 == 0 {
		f |= mapi.MsgFlagUnmodified
	}
	if st&0x04 != 0 {
		f |= mapi.MsgFlagSubmitted
	}
	if st&0x80 != 0 {
		f |= mapi.MsgFlagHasAttach
	}
	if st&0x02 != 0 {
		f |= mapi.MsgFlagUnsent
	}
	return f
}

// legacyClass maps the Microsoft Mail class names of attMessageClass and
// attOriginalMessageClass to MAPI message classes, a "Microsoft Mail v3.0 "
// prefix ignored (MS-OXTNEF 2.3.3.4); other names are kept as they are.
func legacyClass(c string) string {
	switch strings.TrimPrefix(c, "Microsoft Mail v3.0 ") {
	case "IPM.Microsoft Mail.Note", "":
		return "IPM.Note"
	case "IPM.Microsoft Mail.Read Receipt":
		return "Report.IPM.Note.IPNRN"
	case "IPM.Microsoft Mail.Non-Delivery":
		return "Report.IPM.Note.NDR"
	case "IPM.Microsoft Schedule.MtgReq":
		return "IPM.Schedule.Meeting.Request"
	case "IPM.Microsoft Schedule.MtgRespP":
		return "IPM.Schedule.Meeting.Resp.Pos"
	case "IPM.Microsoft Schedule.MtgRespN":
		return "IPM.Schedule.Meeting.Resp.Neg"
	case "IPM.Microsoft Schedule.MtgRespA":
		return "IPM.Schedule.Meeting.Resp.Tent"
	case "IPM.Microsoft Schedule.MtgCncl":
		return "IPM.Schedule.Meeting.Canceled"
	}
	return c
}

// from reads attFrom: a TRP (trpid, cbgrtrp, cch, cb, each u16), the
// NUL-terminated display name in cch bytes, then the address
// "TYPE:address" in cb bytes.
func (s *stream) from(b []byte, p *props) error {
	if len(b) < 8 {
		return s.corrupt("attFrom of %d bytes", len(b))
	}
	cch := int(binary.LittleEndian.Uint16(b[4:]))
	cb := int(binary.LittleEndian.Uint16(b[6:]))
	if cch+cb > len(b)-8 {
		return s.corrupt("attFrom strings of %d+%d bytes in %d", cch, cb, len(b)-8)
	}
	name := s.string8(b[8 : 8+cch])
	addr := s.string8(b[8+cch : 8+cch+cb])
	if name != "" {
		set(&p.mapped, mapi.PrSenderName, name)
	}
	typ, email, ok := strings.Cut(addr, ":")
	if !ok || typ == "" {
		return nil
	}
	set(&p.mapped, mapi.PrSenderAddrType, typ)
	set(&p.mapped, mapi.PrSenderEmailAddress, email)
	eid, err := mapi.OneOffEntryID{Format: mapi.OneOffUnicode, DisplayName: name,
		AddressType: typ, Address: email}.MarshalBinary()
	if err == nil {
		set(&p.mapped, mapi.PrSenderEntryID, eid)
	}
	return nil
}
