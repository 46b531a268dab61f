package nspi

import (
	"encoding/binary"
	"strconv"
	"strings"

	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/protocols/autodiscover"
)

// view is what property values depend on besides the object: the book and
// the server's GUID (for ephemeral entry ids).
type view struct {
	book       *Book
	serverGUID mapi.GUID
	ephemeral  bool   // PR_ENTRYID and friends as ephemeral entry ids (fEphID)
	codePage   uint32 // of PT_STRING8 values (the STAT's)
}

// eight writes a PT_STRING8 (or PT_MV_STRING8) value in the view's code
// page.
func (v view) eight(val any, ec mapi.ErrorCode, t mapi.PropType) (any, mapi.ErrorCode) {
	if ec != mapi.EcSuccess || t.Base() != mapi.PtString8 {
		return val, ec
	}
	switch x := val.(type) {
	case string:
		return to8(x, v.codePage), ec
	case []string:
		out := make([]string, len(x))
		for i, s := range x {
			out[i] = to8(s, v.codePage)
		}
		return out, ec
	}
	return val, ec
}

// permanentEntryID is a PermanentEntryID (MS-OXNSPI 2.2.9.3): the Address
// Book EntryID of MS-OXCDATA 2.2.5.2 with type 0.
func permanentEntryID(displayType uint32, dn string) []byte {
	b, err := mapi.AddressBookEntryID{Type: displayType, X500DN: dn}.MarshalBinary()
	if err != nil {
		return nil
	}
	return b
}

// ephemeralEntryID is an EphemeralEntryID (MS-OXNSPI 2.2.9.2): ID type
// 0x87, the server's GUID, version 1, the display type and the MId.
func ephemeralEntryID(server mapi.GUID, displayType, mid uint32) []byte {
	b := make([]byte, 32)
	b[0] = 0x87
	copy(b[4:20], server[:])
	binary.LittleEndian.PutUint32(b[20:], 1)
	binary.LittleEndian.PutUint32(b[24:], displayType)
	binary.LittleEndian.PutUint32(b[28:], mid)
	return b
}

// parseEphemeralEntryID returns the MId of an ephemeral entry id.
func parseEphemeralEntryID(b []byte) (uint32, bool) {
	if len(b) != 32 || b[0] != 0x87 {
		return 0, false
	}
	return binary.LittleEndian.Uint32(b[28:]), true
}

// displayType is PR_DISPLAY_TYPE (MS-OXOABK 2.2.3.11).
func (e *Entry) displayType() uint32 {
	switch e.Kind {
	case KindList:
		return dtDistList
	case KindContact:
		return dtRemoteMailUser
	}
	return dtMailUser
}

// displayTypeEx is PR_DISPLAY_TYPE_EX (MS-OXOABK 2.2.3.12).
func (e *Entry) displayTypeEx() uint32 {
	switch e.Kind {
	case KindList:
		return dtDistList
	case KindContact:
		return dtRemoteMailUser
	case KindRoom:
		return dtRoom
	case KindEquipment:
		return dtEquipment
	}
	return dtMailUser | dteACLCapable
}

// smtpAddress is the object's SMTP address: a contact's own
// PR_SMTP_ADDRESS when the directory has one, else the username.
func (e *Entry) smtpAddress() string {
	if e.Kind == KindContact {
		if v := e.Props[uint32(tagSMTPAddress)]; v != "" {
			return v
		}
	}
	return e.Username
}

// homeMDB is PR_EMS_AB_HOME_MDB: the DN of the mailbox database, as
// AutoDiscover names it (MdbDN of ServerDN).
func (v view) homeMDB(e *Entry) string {
	return autodiscover.MdbDN(autodiscover.ServerDN(v.book.Org, autodiscover.MailboxID(e.Username, uint32(e.ID)), e.Domain))
}

// entryValue returns the value of tag (with its type: PT_STRING8 and
// PT_UNICODE give the same text) for the object, or the error code the
// row carries instead (ecNotFound when it has none).
func (v view) entryValue(e *Entry, tag mapi.PropTag) (any, mapi.ErrorCode) {
	val, ec := v.entryValueUTF8(e, tag)
	return v.eight(val, ec, tag.Type())
}

func (v view) entryValueUTF8(e *Entry, tag mapi.PropTag) (any, mapi.ErrorCode) {
	t := tag.Type()
	str := func(s string) (any, mapi.ErrorCode) {
		if s == "" {
			return nil, mapi.EcNotFound
		}
		return s, mapi.EcSuccess
	}
	id := tag.ID()
	if t.IsString() && !t.IsMV() {
		switch id {
		case tagDisplayName.ID(), tagDisplayNamePrintable.ID():
			return str(e.DisplayName)
		case tagTransmittableName.ID():
			if e.Kind == KindList {
				return nil, mapi.EcNotFound
			}
			return str(e.DisplayName)
		case tagAddrType.ID():
			return "EX", mapi.EcSuccess
		case tagEmailAddress.ID():
			return str(e.DN)
		case tagSMTPAddress.ID():
			return str(e.smtpAddress())
		case tagAccount.ID():
			return str(e.Username)
		case tagHomeMDB.ID():
			if e.Kind == KindList || e.Kind == KindContact {
				return nil, mapi.EcNotFound
			}
			return v.homeMDB(e), mapi.EcSuccess
		}
	}
	switch tag {
	case tagEntryID, tagRecordKey, tagOriginalEntryID:
		if v.ephemeral {
			return ephemeralEntryID(v.serverGUID, e.displayType(), e.MId), mapi.EcSuccess
		}
		return permanentEntryID(e.displayType(), e.DN), mapi.EcSuccess
	case tagTemplateID:
		return permanentEntryID(e.displayType(), e.DN), mapi.EcSuccess
	case tagInstanceKey:
		return binary.LittleEndian.AppendUint32(nil, e.MId), mapi.EcSuccess
	case tagMappingSignature:
		return mapi.AddressBookProviderUID[:], mapi.EcSuccess
	case tagSearchKey:
		return append([]byte(strings.ToUpper("EX:"+e.DN)), 0), mapi.EcSuccess
	case tagObjectGUID:
		g := e.objectGUID()
		return g[:], mapi.EcSuccess
	case tagObjectType:
		if e.Kind == KindList {
			return int32(objectTypeDistList), mapi.EcSuccess
		}
		return int32(objectTypeMailUser), mapi.EcSuccess
	case tagDisplayType:
		return int32(e.displayType()), mapi.EcSuccess
	case tagDisplayTypeEx:
		return int32(e.displayTypeEx()), mapi.EcSuccess
	case tagContainerID:
		if e.container == nil {
			return int32(0), mapi.EcSuccess
		}
		return int32(e.container.MId), mapi.EcSuccess
	case tagSendRichInfo:
		if s, ok := e.Props[uint32(tag)]; ok {
			return strings.TrimSpace(s) != "0", mapi.EcSuccess
		}
		return true, mapi.EcSuccess
	}
	if id == tagProxyAddresses.ID() && t.IsMV() && t.IsString() {
		if e.smtpAddress() == "" {
			return nil, mapi.EcNotFound
		}
		out := []string{"SMTP:" + e.smtpAddress()}
		for _, a := range v.book.aliases(e) {
			out = append(out, "smtp:"+a)
		}
		return out, mapi.EcSuccess
	}
	if id == tagANR.ID() {
		local, _, _ := strings.Cut(e.Username, "@")
		return []string{e.DisplayName, e.smtpAddress(), local, e.DN}, mapi.EcSuccess
	}
	return storedValue(e.Props, tag)
}

// storedValue converts a user_properties value (kept as text, or as bytes
// for binaries) to the Go form of the requested type.
func storedValue(props map[uint32]string, tag mapi.PropTag) (any, mapi.ErrorCode) {
	t := tag.Type()
	raw, ok := props[uint32(tag)]
	if !ok && t.IsString() {
		alt := mapi.PtUnicode
		if t.Base() == mapi.PtUnicode {
			alt = mapi.PtString8
		}
		raw, ok = props[uint32(tag.WithType(alt|t&mapi.MvFlag))]
	}
	if !ok {
		return nil, mapi.EcNotFound
	}
	s := strings.TrimSpace(raw)
	switch t {
	case mapi.PtUnicode, mapi.PtString8:
		if raw == "" {
			return nil, mapi.EcNotFound
		}
		return raw, mapi.EcSuccess
	case mapi.PtBinary:
		return []byte(raw), mapi.EcSuccess
	case mapi.PtLong:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, mapi.EcNotFound
		}
		return int32(n), mapi.EcSuccess
	case mapi.PtShort:
		n, err := strconv.ParseInt(s, 10, 16)
		if err != nil {
			return nil, mapi.EcNotFound
		}
		return int16(n), mapi.EcSuccess
	case mapi.PtBoolean:
		return s != "" && s != "0", mapi.EcSuccess
	case mapi.PtI8, mapi.PtCurrency:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, mapi.EcNotFound
		}
		return n, mapi.EcSuccess
	case mapi.PtSysTime:
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return nil, mapi.EcNotFound
		}
		return mapi.FileTime(n), mapi.EcSuccess
	case mapi.PtMvUnicode, mapi.PtMvString8:
		return []string{raw}, mapi.EcSuccess
	}
	return nil, mapi.EcNotFound
}

// containerDisplayName is a container's PR_DISPLAY_NAME: the GAL has
// none of its own (Outlook names it), a domain container its name.
func containerDisplayName(c *Container) string {
	if c == nil {
		return ""
	}
	return c.Name
}

// containerValue returns the value of tag for a container (nil: the GAL).
func (v view) containerValue(c *Container, tag mapi.PropTag) (any, mapi.ErrorCode) {
	if tag.Type().IsString() && !tag.Type().IsMV() && tag.ID() == tagDisplayName.ID() {
		return v.eight(containerDisplayName(c), mapi.EcSuccess, tag.Type())
	}
	switch tag {
	case tagEntryID, tagRecordKey:
		if c == nil {
			return permanentEntryID(dtContainer, "/"), mapi.EcSuccess
		}
		return permanentEntryID(dtContainer, containerGUIDDN(c.GUID)), mapi.EcSuccess
	case tagContainerFlags:
		return int32(abRecipients | abUnmodifiable), mapi.EcSuccess
	case tagDepth:
		return int32(0), mapi.EcSuccess
	case tagContainerID:
		if c == nil {
			return int32(0), mapi.EcSuccess
		}
		return int32(c.MId), mapi.EcSuccess
	case tagIsMaster:
		return false, mapi.EcSuccess
	case tagObjectType:
		return int32(objectTypeABContainer), mapi.EcSuccess
	case tagDisplayType:
		return int32(dtContainer), mapi.EcSuccess
	case tagInstanceKey:
		if c == nil {
			return make([]byte, 4), mapi.EcSuccess
		}
		return binary.LittleEndian.AppendUint32(nil, c.MId), mapi.EcSuccess
	}
	return nil, mapi.EcNotFound
}

// value returns a PropVal for one column: the value, or a PT_ERROR value
// with the error code. A PT_UNSPECIFIED column takes the Unicode value.
func value(col mapi.PropTag, get func(mapi.PropTag) (any, mapi.ErrorCode)) (mapi.PropVal, bool) {
	tag := col
	if col.Type() == mapi.PtUnspecified {
		tag = col.WithType(mapi.PtUnicode)
		if v, ec := get(tag); ec == mapi.EcSuccess {
			return mapi.PropVal{Tag: tag, Value: v}, true
		}
		for _, t := range []mapi.PropType{mapi.PtLong, mapi.PtBinary, mapi.PtBoolean, mapi.PtMvUnicode, mapi.PtSysTime} {
			if v, ec := get(col.WithType(t)); ec == mapi.EcSuccess {
				return mapi.PropVal{Tag: col.WithType(t), Value: v}, true
			}
		}
		return mapi.PropVal{Tag: col.WithType(mapi.PtError), Value: mapi.EcNotFound}, false
	}
	v, ec := get(tag)
	if ec != mapi.EcSuccess {
		return mapi.PropVal{Tag: col.WithType(mapi.PtError), Value: ec}, false
	}
	return mapi.PropVal{Tag: tag, Value: v}, true
}

// row builds an AddressBookPropertyRow for the columns: a flagged row
// when some value is missing.
func row(cols []mapi.PropTag, get func(mapi.PropTag) (any, mapi.ErrorCode)) mapi.PropRow {
	r := mapi.PropRow{Values: make([]mapi.PropVal, len(cols))}
	for i, c := range cols {
		pv, ok := value(c, get)
		if !ok {
			r.Flagged = true
		}
		r.Values[i] = pv
	}
	return r
}

// errorRow is the row of an MId that names nothing: every column an
// error (upstream's ptyperror row).
func errorRow(cols []mapi.PropTag) mapi.PropRow {
	return row(cols, func(mapi.PropTag) (any, mapi.ErrorCode) { return nil, mapi.EcNotFound })
}

func (v view) entryRow(e *Entry, cols []mapi.PropTag) mapi.PropRow {
	return row(cols, func(t mapi.PropTag) (any, mapi.ErrorCode) { return v.entryValue(e, t) })
}

// entryMatchRow lets mapi's restriction evaluator read an entry.
type entryMatchRow struct {
	v view
	e *Entry
}

func (r entryMatchRow) Get(tag mapi.PropTag) (any, bool) {
	if tag.Type() == mapi.PtUnspecified || tag.Type()&mapi.MvInstance != 0 {
		return nil, false
	}
	val, ec := r.v.entryValueUTF8(r.e, tag)
	return val, ec == mapi.EcSuccess
}

func (r entryMatchRow) Sub(mapi.PropTag) []mapi.Row { return nil }
