package mapi

// Entry ids (MS-OXCDATA 2.2.4 and 2.2.5): folder, message and store entry
// ids of the store provider, and the address book and one-off entry ids of
// recipients. Every Parse function takes any bytes and returns a value or an
// error; none panics.
//
// Layouts are the ones upstream writes (lib/mapi/ext_buffer.cpp
// p_folder_eid/p_msg_eid/p_store_eid/p_abk_eid/p_oneoff_eid, and
// exch/exmdb/common_util.cpp cu_fid_to_entryid/cu_mid_to_entryid for the
// values):
//   - folder/message entry ids of a private store: ProviderUID = the mailbox
//     GUID (configurations MAILBOX_GUID, the store record key), database
//     GUID = PrivateStoreGUID(user id);
//   - of a public store: ProviderUID = LongTermNonPrivateGUID, database
//     GUID = PublicStoreGUID(domain id) or the replica's REPLGUID.
//     (Upstream's emsmdb puts the store record key into the ProviderUID of
//     public entry ids too; exmdb and MS-OXCDATA 2.2.4.1 use
//     LongTermNonPrivateGUID.)

import (
	"encoding"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"
)

// EntryIDType is the FolderType/MessageType field of a folder or message
// entry id (eitLT*).
type EntryIDType uint16

// Entry id types (MS-OXCDATA 2.2.4.1, 2.2.4.2; upstream EITLT_*).
const (
	EITLTPrivateFolder      EntryIDType = 0x0001
	EITLTPublicFolder       EntryIDType = 0x0003
	EITLTWackyFolder        EntryIDType = 0x0005
	EITLTPrivateMessage     EntryIDType = 0x0007
	EITLTPublicMessage      EntryIDType = 0x0009
	EITLTWackyMessage       EntryIDType = 0x000b
	EITLTPublicFolderByName EntryIDType = 0x000c
)

// IsFolder reports whether t is a folder type.
func (t EntryIDType) IsFolder() bool {
	return t == EITLTPrivateFolder || t == EITLTPublicFolder || t == EITLTWackyFolder
}

// IsMessage reports whether t is a message type.
func (t EntryIDType) IsMessage() bool {
	return t == EITLTPrivateMessage || t == EITLTPublicMessage || t == EITLTWackyMessage
}

// Sizes of the fixed entry ids.
const (
	FolderEntryIDSize  = 46
	MessageEntryIDSize = 70
)

// EntryID is any of the entry id types of this file.
type EntryID interface {
	encoding.BinaryMarshaler
}

// ErrUnknownEntryID is returned by ParseEntryID for bytes that are no entry
// id of a known provider.
var ErrUnknownEntryID = errors.New("mapi: unknown kind of entry id")

// ParseEntryID decodes an entry id of any kind this file knows, chosen by
// its ProviderUID (store wrapper, address book, one-off) or else by its size
// (folder, message). It returns a value of type FolderEntryID,
// MessageEntryID, StoreEntryID, AddressBookEntryID or OneOffEntryID.
func ParseEntryID(b []byte) (EntryID, error) {
	if len(b) < 20 {
		return nil, ErrUnknownEntryID
	}
	switch GUID(b[4:20]) {
	case StoreWrapProviderUID:
		return ParseStoreEntryID(b)
	case AddressBookProviderUID:
		return ParseAddressBookEntryID(b)
	case OneOffProviderUID:
		return ParseOneOffEntryID(b)
	}
	switch len(b) {
	case FolderEntryIDSize:
		return ParseFolderEntryID(b)
	case MessageEntryIDSize:
		return ParseMessageEntryID(b)
	}
	return nil, ErrUnknownEntryID
}

// FolderEntryID is the long-term entry id of a folder (MS-OXCDATA 2.2.4.1):
// Flags (4), ProviderUID (16), FolderType (2, LE), DatabaseGUID (16),
// GlobalCounter (6), Pad (2).
type FolderEntryID struct {
	Flags        uint32 // zero for long-term ids
	ProviderUID  GUID
	Type         EntryIDType
	DatabaseGUID GUID
	GlobCnt      GlobCnt
}

// NewFolderEntryID builds the entry id of folder gcv.
func NewFolderEntryID(provider GUID, t EntryIDType, db GUID, gcv uint64) FolderEntryID {
	return FolderEntryID{ProviderUID: provider, Type: t, DatabaseGUID: db, GlobCnt: GlobCntOf(gcv)}
}

// PrivateFolderEntryID is the entry id exmdb gives folder gcv of the private
// store with record key mailboxGUID owned by userID.
func PrivateFolderEntryID(mailboxGUID GUID, userID uint32, gcv uint64) FolderEntryID {
	return NewFolderEntryID(mailboxGUID, EITLTPrivateFolder, PrivateStoreGUID(userID), gcv)
}

// PublicFolderEntryID is the entry id exmdb gives folder gcv of the public
// store of domainID.
func PublicFolderEntryID(domainID uint32, gcv uint64) FolderEntryID {
	return NewFolderEntryID(LongTermNonPrivateGUID, EITLTPublicFolder, PublicStoreGUID(domainID), gcv)
}

// GCV returns the folder's counter.
func (f FolderEntryID) GCV() uint64 { return f.GlobCnt.Value() }

// LongTermID returns the folder's long-term id.
func (f FolderEntryID) LongTermID() LongTermID {
	return LongTermID{GUID: f.DatabaseGUID, GlobCnt: f.GlobCnt}
}

// Bytes returns the 46 bytes of f, with a zero pad.
func (f FolderEntryID) Bytes() []byte {
	b := make([]byte, 0, FolderEntryIDSize)
	b = binary.LittleEndian.AppendUint32(b, f.Flags)
	b = append(b, f.ProviderUID[:]...)
	b = binary.LittleEndian.AppendUint16(b, uint16(f.Type))
	b = append(b, f.DatabaseGUID[:]...)
	b = append(b, f.GlobCnt[:]...)
	return append(b, 0, 0)
}

// MarshalBinary implements encoding.BinaryMarshaler.
func (f FolderEntryID) MarshalBinary() ([]byte, error) { return f.Bytes(), nil }

// ParseFolderEntryID reads a 46-byte folder entry id. The type is not
// checked (callers check IsFolder); the pad is ignored, as upstream does.
func ParseFolderEntryID(b []byte) (FolderEntryID, error) {
	if len(b) != FolderEntryIDSize {
		return FolderEntryID{}, fmt.Errorf("mapi: folder entry id of %d bytes, want %d", len(b), FolderEntryIDSize)
	}
	return FolderEntryID{
		Flags:        binary.LittleEndian.Uint32(b[0:]),
		ProviderUID:  GUID(b[4:20]),
		Type:         EntryIDType(binary.LittleEndian.Uint16(b[20:])),
		DatabaseGUID: GUID(b[22:38]),
		GlobCnt:      GlobCnt(b[38:44]),
	}, nil
}

// MessageEntryID is the long-term entry id of a message (MS-OXCDATA
// 2.2.4.2): Flags (4), ProviderUID (16), MessageType (2), FolderDatabaseGUID
// (16), FolderGlobalCounter (6), Pad (2), MessageDatabaseGUID (16),
// MessageGlobalCounter (6), Pad (2).
type MessageEntryID struct {
	Flags               uint32
	ProviderUID         GUID
	Type                EntryIDType
	FolderDatabaseGUID  GUID
	FolderGlobCnt       GlobCnt
	MessageDatabaseGUID GUID
	MessageGlobCnt      GlobCnt
}

// NewMessageEntryID builds the entry id of message mid in folder fid (GCVs),
// both of the replica db.
func NewMessageEntryID(provider GUID, t EntryIDType, db GUID, fid, mid uint64) MessageEntryID {
	return MessageEntryID{ProviderUID: provider, Type: t,
		FolderDatabaseGUID: db, FolderGlobCnt: GlobCntOf(fid),
		MessageDatabaseGUID: db, MessageGlobCnt: GlobCntOf(mid)}
}

// PrivateMessageEntryID is the entry id exmdb gives message mid in folder
// fid of the private store with record key mailboxGUID owned by userID.
func PrivateMessageEntryID(mailboxGUID GUID, userID uint32, fid, mid uint64) MessageEntryID {
	return NewMessageEntryID(mailboxGUID, EITLTPrivateMessage, PrivateStoreGUID(userID), fid, mid)
}

// PublicMessageEntryID is the entry id exmdb gives message mid in folder fid
// of the public store of domainID.
func PublicMessageEntryID(domainID uint32, fid, mid uint64) MessageEntryID {
	return NewMessageEntryID(LongTermNonPrivateGUID, EITLTPublicMessage, PublicStoreGUID(domainID), fid, mid)
}

// FolderGCV returns the parent folder's counter.
func (m MessageEntryID) FolderGCV() uint64 { return m.FolderGlobCnt.Value() }

// MessageGCV returns the message's counter.
func (m MessageEntryID) MessageGCV() uint64 { return m.MessageGlobCnt.Value() }

// Bytes returns the 70 bytes of m, with zero pads.
func (m MessageEntryID) Bytes() []byte {
	b := make([]byte, 0, MessageEntryIDSize)
	b = binary.LittleEndian.AppendUint32(b, m.Flags)
	b = append(b, m.ProviderUID[:]...)
	b = binary.LittleEndian.AppendUint16(b, uint16(m.Type))
	b = append(b, m.FolderDatabaseGUID[:]...)
	b = append(b, m.FolderGlobCnt[:]...)
	b = append(b, 0, 0)
	b = append(b, m.MessageDatabaseGUID[:]...)
	b = append(b, m.MessageGlobCnt[:]...)
	return append(b, 0, 0)
}

// MarshalBinary implements encoding.BinaryMarshaler.
func (m MessageEntryID) MarshalBinary() ([]byte, error) { return m.Bytes(), nil }

// ParseMessageEntryID reads a 70-byte message entry id. The type is not
// checked; the pads are ignored.
func ParseMessageEntryID(b []byte) (MessageEntryID, error) {
	if len(b) != MessageEntryIDSize {
		return MessageEntryID{}, fmt.Errorf("mapi: message entry id of %d bytes, want %d", len(b), MessageEntryIDSize)
	}
	return MessageEntryID{
		Flags:               binary.LittleEndian.Uint32(b[0:]),
		ProviderUID:         GUID(b[4:20]),
		Type:                EntryIDType(binary.LittleEndian.Uint16(b[20:])),
		FolderDatabaseGUID:  GUID(b[22:38]),
		FolderGlobCnt:       GlobCnt(b[38:44]),
		MessageDatabaseGUID: GUID(b[46:62]),
		MessageGlobCnt:      GlobCnt(b[62:68]),
	}, nil
}

// WrappedType values of store entry ids (OPENSTORE_* flags).
const (
	StoreWrappedTypePrivate uint32 = 0x0C // OPENSTORE_HOME_LOGON|OPENSTORE_TAKE_OWNERSHIP
	StoreWrappedTypePublic  uint32 = 0x06 // OPENSTORE_HOME_LOGON|OPENSTORE_PUBLIC
)

// storeEIDDLLName is the DLLFileName field, NUL-padded to 14 bytes.
// MS-OXCDATA 2.2.4.3 spells it "EMSMDB.DLL"; upstream writes "emsmdb.dll"
// (p_store_eid), and so do we, to keep the bytes of store entry ids that
// Outlook profiles already hold. Readers compare it case-insensitively.
var storeEIDDLLName = [14]byte{'e', 'm', 's', 'm', 'd', 'b', '.', 'd', 'l', 'l'}

// StoreEntryID is a store entry id (MS-OXCDATA 2.2.4.3): the muidStoreWrap
// wrapper, version 0, flag 0, "emsmdb.dll", then the wrapped EMSMDB entry
// id: WrappedFlags, WrappedProviderUID, WrappedType, ServerShortname and
// MailboxDN as NUL-terminated 8-bit strings. Outlook's v2/v3 extensions
// (full server DN, SMTP address) that may follow are kept verbatim in Tail.
type StoreEntryID struct {
	Flags              uint32
	WrappedFlags       uint32
	WrappedProviderUID GUID // StorePrivateProviderUID or StorePublicProviderUID
	WrappedType        uint32
	ServerName         string
	MailboxDN          string
	Tail               []byte
}

// NewPrivateStoreEntryID is the entry id of a private store. Upstream
// (zcore cu_to_store_entryid) puts the owner's username in ServerName and
// the owner's ESSDN in MailboxDN.
func NewPrivateStoreEntryID(server, mailboxDN string) StoreEntryID {
	return StoreEntryID{WrappedProviderUID: StorePrivateProviderUID,
		WrappedType: StoreWrappedTypePrivate, ServerName: server, MailboxDN: mailboxDN}
}

// NewPublicStoreEntryID is the entry id of a public store. MS-OXCDATA has no
// MailboxDN for public stores; upstream writes the ESSDN of the logged-on
// user there. An empty mailboxDN leaves the field out.
func NewPublicStoreEntryID(server, mailboxDN string) StoreEntryID {
	return StoreEntryID{WrappedProviderUID: StorePublicProviderUID,
		WrappedType: StoreWrappedTypePublic, ServerName: server, MailboxDN: mailboxDN}
}

// IsPublic reports whether s names a public store.
func (s StoreEntryID) IsPublic() bool { return s.WrappedProviderUID == StorePublicProviderUID }

// MarshalBinary returns the bytes of s. Strings with a NUL are refused.
// The MailboxDN field is left out only when it is empty, the store is public
// and there is no Tail.
func (s StoreEntryID) MarshalBinary() ([]byte, error) {
	if strings.IndexByte(s.ServerName, 0) >= 0 || strings.IndexByte(s.MailboxDN, 0) >= 0 {
		return nil, errors.New("mapi: store entry id string with NUL")
	}
	b := make([]byte, 0, 60+len(s.ServerName)+len(s.MailboxDN)+2+len(s.Tail))
	b = binary.LittleEndian.AppendUint32(b, s.Flags)
	b = append(b, StoreWrapProviderUID[:]...)
	b = append(b, 0, 0) // Version, Flag
	b = append(b, storeEIDDLLName[:]...)
	b = binary.LittleEndian.AppendUint32(b, s.WrappedFlags)
	b = append(b, s.WrappedProviderUID[:]...)
	b = binary.LittleEndian.AppendUint32(b, s.WrappedType)
	b = append(append(b, s.ServerName...), 0)
	if s.MailboxDN != "" || !s.IsPublic() || len(s.Tail) > 0 {
		b = append(append(b, s.MailboxDN...), 0)
	}
	return append(b, s.Tail...), nil
}

// ParseStoreEntryID reads a store entry id of the EMSMDB provider
// (version 0, flag 0, DLL name "emsmdb.dll" in any case; other providers
// such as mspst.dll are refused, as upstream does). A missing MailboxDN
// (public stores) reads as empty.
func ParseStoreEntryID(b []byte) (StoreEntryID, error) {
	const fixed = 60
	if len(b) < fixed+1 {
		return StoreEntryID{}, fmt.Errorf("mapi: store entry id of %d bytes is too short", len(b))
	}
	if GUID(b[4:20]) != StoreWrapProviderUID {
		return StoreEntryID{}, errors.New("mapi: store entry id without the store wrap provider")
	}
	if b[20] != 0 || b[21] != 0 {
		return StoreEntryID{}, fmt.Errorf("mapi: store entry id version %d flag %d unsupported", b[20], b[21])
	}
	dll, _, _ := strings.Cut(string(b[22:36]), "\x00")
	if !strings.EqualFold(dll, "emsmdb.dll") {
		return StoreEntryID{}, fmt.Errorf("mapi: store entry id for %q unsupported", dll)
	}
	s := StoreEntryID{
		Flags:              binary.LittleEndian.Uint32(b[0:]),
		WrappedFlags:       binary.LittleEndian.Uint32(b[36:]),
		WrappedProviderUID: GUID(b[40:56]),
		WrappedType:        binary.LittleEndian.Uint32(b[56:]),
	}
	rest := b[fixed:]
	var ok bool
	if s.ServerName, rest, ok = eidCutString8(rest); !ok {
		return StoreEntryID{}, errors.New("mapi: store entry id: unterminated server name")
	}
	if len(rest) == 0 {
		return s, nil
	}
	if s.MailboxDN, rest, ok = eidCutString8(rest); !ok {
		return StoreEntryID{}, errors.New("mapi: store entry id: unterminated mailbox DN")
	}
	if len(rest) > 0 {
		s.Tail = append([]byte(nil), rest...)
	}
	return s, nil
}

// AddressBookEntryID is an Address Book EntryID (MS-OXCDATA 2.2.5.2): Flags,
// the muidEMSAB ProviderUID, Version 1, Type (the display type, e.g.
// DT_MAILUSER 0, DT_DISTLIST 1) and the X500 DN (an ESSDN) as a
// NUL-terminated 8-bit string.
type AddressBookEntryID struct {
	Flags  uint32
	Type   uint32
	X500DN string
}

// MarshalBinary returns the bytes of a (ext_buffer p_abk_eid).
func (a AddressBookEntryID) MarshalBinary() ([]byte, error) {
	if strings.IndexByte(a.X500DN, 0) >= 0 {
		return nil, errors.New("mapi: address book entry id DN with NUL")
	}
	b := make([]byte, 0, 28+len(a.X500DN)+1)
	b = binary.LittleEndian.AppendUint32(b, a.Flags)
	b = append(b, AddressBookProviderUID[:]...)
	b = binary.LittleEndian.AppendUint32(b, 1)
	b = binary.LittleEndian.AppendUint32(b, a.Type)
	return append(append(b, a.X500DN...), 0), nil
}

// ParseAddressBookEntryID reads an address book entry id. Bytes after the
// DN's terminator are ignored, as upstream does.
func ParseAddressBookEntryID(b []byte) (AddressBookEntryID, error) {
	if len(b) < 29 {
		return AddressBookEntryID{}, fmt.Errorf("mapi: address book entry id of %d bytes is too short", len(b))
	}
	if GUID(b[4:20]) != AddressBookProviderUID {
		return AddressBookEntryID{}, errors.New("mapi: address book entry id without the EMSAB provider")
	}
	if v := binary.LittleEndian.Uint32(b[20:]); v != 1 {
		return AddressBookEntryID{}, fmt.Errorf("mapi: address book entry id version %d, want 1", v)
	}
	a := AddressBookEntryID{
		Flags: binary.LittleEndian.Uint32(b[0:]),
		Type:  binary.LittleEndian.Uint32(b[24:]),
	}
	var ok bool
	if a.X500DN, _, ok = eidCutString8(b[28:]); !ok {
		return AddressBookEntryID{}, errors.New("mapi: address book entry id: unterminated DN")
	}
	return a, nil
}

// One-off entry id format flags, the 16-bit little-endian field after the
// version (MS-OXCDATA 2.2.5.1; upstream MAPI_ONE_OFF_*).
const (
	OneOffNoRichInfo         uint16 = 0x0001 // send as MIME, not TNEF
	OneOffEncodingPreference uint16 = 0x0002
	OneOffEncodingMIME       uint16 = 0x0004
	OneOffBodyHTML           uint16 = 0x0008
	OneOffBodyTextAndHTML    uint16 = 0x0010
	OneOffMacUUEncode        uint16 = 0x0020
	OneOffMacAppleSingle     uint16 = 0x0040
	OneOffMacAppleDouble     uint16 = 0x0060
	OneOffDontLookup         uint16 = 0x1000
	OneOffUnicode            uint16 = 0x8000 // strings are UTF-16LE
)

// OneOffEntryID is a One-Off EntryID (MS-OXCDATA 2.2.5.1): Flags, the
// muidOOP ProviderUID, Version (0), the format flags, then display name,
// address type and address as NUL-terminated strings, UTF-16LE when
// Format has OneOffUnicode, else 8-bit. 8-bit strings are kept as their raw
// bytes (their code page is the caller's business); UTF-16 strings are
// converted to UTF-8, unpaired surrogates becoming U+FFFD.
type OneOffEntryID struct {
	Flags       uint32
	Version     uint16
	Format      uint16
	DisplayName string
	AddressType string
	Address     string
}

// IsUnicode reports whether the strings travel as UTF-16.
func (o OneOffEntryID) IsUnicode() bool { return o.Format&OneOffUnicode != 0 }

// MarshalBinary returns the bytes of o (ext_buffer p_oneoff_eid). Strings
// with a NUL are refused.
func (o OneOffEntryID) MarshalBinary() ([]byte, error) {
	strs := [3]string{o.DisplayName, o.AddressType, o.Address}
	for _, s := range strs {
		if strings.IndexByte(s, 0) >= 0 {
			return nil, errors.New("mapi: one-off entry id string with NUL")
		}
	}
	b := make([]byte, 0, 24+2*(len(strs[0])+len(strs[1])+len(strs[2])+3))
	b = binary.LittleEndian.AppendUint32(b, o.Flags)
	b = append(b, OneOffProviderUID[:]...)
	b = binary.LittleEndian.AppendUint16(b, o.Version)
	b = binary.LittleEndian.AppendUint16(b, o.Format)
	for _, s := range strs {
		if o.IsUnicode() {
			for _, u := range utf16.Encode([]rune(s)) {
				b = binary.LittleEndian.AppendUint16(b, u)
			}
			b = append(b, 0, 0)
		} else {
			b = append(append(b, s...), 0)
		}
	}
	return b, nil
}

// ParseOneOffEntryID reads a one-off entry id. Bytes after the address's
// terminator are ignored.
func ParseOneOffEntryID(b []byte) (OneOffEntryID, error) {
	if len(b) < 24 {
		return OneOffEntryID{}, fmt.Errorf("mapi: one-off entry id of %d bytes is too short", len(b))
	}
	if GUID(b[4:20]) != OneOffProviderUID {
		return OneOffEntryID{}, errors.New("mapi: one-off entry id without the OOP provider")
	}
	o := OneOffEntryID{
		Flags:   binary.LittleEndian.Uint32(b[0:]),
		Version: binary.LittleEndian.Uint16(b[20:]),
		Format:  binary.LittleEndian.Uint16(b[22:]),
	}
	rest := b[24:]
	dst := [3]*string{&o.DisplayName, &o.AddressType, &o.Address}
	for _, p := range dst {
		var ok bool
		if o.IsUnicode() {
			*p, rest, ok = eidCutString16(rest)
		} else {
			*p, rest, ok = eidCutString8(rest)
		}
		if !ok {
			return OneOffEntryID{}, errors.New("mapi: one-off entry id: unterminated string")
		}
	}
	return o, nil
}

// eidCutString8 splits a NUL-terminated 8-bit string off b.
func eidCutString8(b []byte) (string, []byte, bool) {
	for i, c := range b {
		if c == 0 {
			return string(b[:i]), b[i+1:], true
		}
	}
	return "", nil, false
}

// eidCutString16 splits a NUL-terminated UTF-16LE string off b.
func eidCutString16(b []byte) (string, []byte, bool) {
	var u []uint16
	for i := 0; i+1 < len(b); i += 2 {
		c := binary.LittleEndian.Uint16(b[i:])
		if c == 0 {
			return string(utf16.Decode(u)), b[i+2:], true
		}
		u = append(u, c)
	}
	return "", nil, false
}
