package mapi

// Fixed GUIDs of Exchange and Gromox, the store GUIDs upstream derives from
// user and domain ids, and the names (ESSDN, MailboxId) built from them.
// Byte layouts follow upstream lib/guid2.cpp, lib/mapi/rop_util.cpp and
// lib/mapi/usercvt.cpp (facts, reference §2.7).

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Provider UIDs (MAPIUIDs) found in entry ids. They are given as their
// 16 wire bytes; the comment has the GUID text.
var (
	// StoreWrapProviderUID is muidStoreWrap, the ProviderUID of a store
	// entry id (MS-OXCDATA 2.2.4.3): {10bba138-e505-1a10-a1bb-08002b2a56c2}.
	StoreWrapProviderUID = GUID{0x38, 0xA1, 0xBB, 0x10, 0x05, 0xE5, 0x10, 0x1A, 0xA1, 0xBB, 0x08, 0x00, 0x2B, 0x2A, 0x56, 0xC2}
	// StorePrivateProviderUID is the WrappedProviderUID of a mailbox store
	// entry id (g_muidStorePrivate): {20fa551b-66aa-cd11-9bc8-00aa002fc45a}.
	StorePrivateProviderUID = GUID{0x1B, 0x55, 0xFA, 0x20, 0xAA, 0x66, 0x11, 0xCD, 0x9B, 0xC8, 0x00, 0xAA, 0x00, 0x2F, 0xC4, 0x5A}
	// StorePublicProviderUID is the WrappedProviderUID of a public store
	// entry id (g_muidStorePublic): {1002831c-66aa-cd11-9bc8-00aa002fc45a}.
	StorePublicProviderUID = GUID{0x1C, 0x83, 0x02, 0x10, 0xAA, 0x66, 0x11, 0xCD, 0x9B, 0xC8, 0x00, 0xAA, 0x00, 0x2F, 0xC4, 0x5A}
	// LongTermNonPrivateGUID is pbLongTermNonPrivateGuid, the ProviderUID
	// of public folder and message entry ids (MS-OXCDATA 2.2.4.1):
	// {9073441a-66aa-cd11-9bc8-00aa002fc45a}.
	LongTermNonPrivateGUID = GUID{0x1A, 0x44, 0x73, 0x90, 0xAA, 0x66, 0x11, 0xCD, 0x9B, 0xC8, 0x00, 0xAA, 0x00, 0x2F, 0xC4, 0x5A}
	// ExchangeProviderPrimaryUserGUID is pbExchangeProviderPrimaryUserGuid
	// (PR_MDB_PROVIDER of a private store): {c0a19454-7f29-1b10-a587-08002b2a2517}.
	ExchangeProviderPrimaryUserGUID = GUID{0x54, 0x94, 0xA1, 0xC0, 0x29, 0x7F, 0x10, 0x1B, 0xA5, 0x87, 0x08, 0x00, 0x2B, 0x2A, 0x25, 0x17}
	// ExchangeProviderPublicGUID is pbExchangeProviderPublicGuid
	// (PR_MDB_PROVIDER of a public store): {70fab278-f7af-cd11-9bc8-00aa002fc45a}.
	ExchangeProviderPublicGUID = GUID{0x78, 0xB2, 0xFA, 0x70, 0xAF, 0xF7, 0x11, 0xCD, 0x9B, 0xC8, 0x00, 0xAA, 0x00, 0x2F, 0xC4, 0x5A}
	// ExchangeProviderDelegateGUID is pbExchangeProviderDelegateGuid
	// (PR_MDB_PROVIDER of another user's store): {0077b49e-e474-ce11-8c5e-00aa004254e2}.
	ExchangeProviderDelegateGUID = GUID{0x9E, 0xB4, 0x77, 0x00, 0x74, 0xE4, 0x11, 0xCE, 0x8C, 0x5E, 0x00, 0xAA, 0x00, 0x42, 0x54, 0xE2}
	// AddressBookProviderUID is muidEMSAB (GUID_NSPI), the ProviderUID of
	// an Address Book EntryID (MS-OXCDATA 2.2.5.2):
	// {c840a7dc-42c0-1a10-b4b9-08002b2fe182}.
	AddressBookProviderUID = GUID{0xDC, 0xA7, 0x40, 0xC8, 0xC0, 0x42, 0x10, 0x1A, 0xB4, 0xB9, 0x08, 0x00, 0x2B, 0x2F, 0xE1, 0x82}
	// OneOffProviderUID is muidOOP, the ProviderUID of a One-Off EntryID
	// (MS-OXCDATA 2.2.5.1): {a41f2b81-a3be-1910-9d6e-00dd010f5402}.
	OneOffProviderUID = GUID{0x81, 0x2B, 0x1F, 0xA4, 0xBE, 0xA3, 0x10, 0x19, 0x9D, 0x6E, 0x00, 0xDD, 0x01, 0x0F, 0x54, 0x02}
)

// Fixed replica GUIDs upstream resolves for replids 2, 3 and 4
// (exc_replid2..4), reserved to reproduce Exchange.
var (
	ReplGUID2 = MustGUID("ed33cbe5-94e2-48b6-8bea-bba984896933")
	ReplGUID3 = MustGUID("68349a54-323d-4a38-9aa9-e00a683131ba")
	ReplGUID4 = MustGUID("bb0754de-7f26-4d08-932f-fe7a9d22f8bd")
)

// Templates of the store GUIDs ("GABUIDs", gx_dbguid_store_private and
// gx_dbguid_store_public): Data1 is replaced by the user or domain id.
var (
	privateStoreGUIDTemplate = NewGUID(0, 0x18a5, 0x6f7b, [8]byte{0xbc, 0xdc, 0xea, 0x1e, 0xd0, 0x3c, 0x56, 0x57})
	publicStoreGUIDTemplate  = NewGUID(0, 0x0afb, 0x7df6, [8]byte{0x91, 0x92, 0x49, 0x88, 0x6a, 0xa7, 0x38, 0xce})
)

// PrivateStoreGUID is the store GUID (REPLGUID of replid 1) of the private
// store of user userID: {<userID>-18a5-6f7b-bcdc-ea1ed03c5657}, the user id
// in Data1, so little-endian in the first 4 wire bytes
// (rop_util_make_user_guid). Change keys, source keys and the database GUID
// of entry ids of a private store use it.
func PrivateStoreGUID(userID uint32) GUID {
	g := privateStoreGUIDTemplate
	binary.LittleEndian.PutUint32(g[0:], userID)
	return g
}

// PublicStoreGUID is the store GUID of the public store of domain domainID:
// {<domainID>-0afb-7df6-9192-49886aa738ce} (rop_util_make_domain_guid).
func PublicStoreGUID(domainID uint32) GUID {
	g := publicStoreGUIDTemplate
	binary.LittleEndian.PutUint32(g[0:], domainID)
	return g
}

// PrivateStoreUserID returns the user id of a private store GUID, and
// whether g is one (rop_util_get_user_id).
func PrivateStoreUserID(g GUID) (uint32, bool) {
	if [12]byte(g[4:]) != [12]byte(privateStoreGUIDTemplate[4:]) {
		return 0, false
	}
	return binary.LittleEndian.Uint32(g[0:]), true
}

// PublicStoreDomainID returns the domain id of a public store GUID, and
// whether g is one (rop_util_get_domain_id).
func PublicStoreDomainID(g GUID) (uint32, bool) {
	if [12]byte(g[4:]) != [12]byte(publicStoreGUIDTemplate[4:]) {
		return 0, false
	}
	return binary.LittleEndian.Uint32(g[0:]), true
}

// WellKnownReplGUID returns the REPLGUID of the replids upstream resolves
// in code (emsmdb replid_to_replguid): 1 is the store GUID, 2..4 the fixed
// Exchange GUIDs, 5 the mailbox GUID (store record key). Other replids live
// in the store's replguidmap table; ok is false for them.
func WellKnownReplGUID(replid uint16, storeGUID, mailboxGUID GUID) (g GUID, ok bool) {
	switch replid {
	case ReplidLocal:
		return storeGUID, true
	case ReplidExchange2:
		return ReplGUID2, true
	case ReplidExchange3:
		return ReplGUID3, true
	case ReplidExchange4:
		return ReplGUID4, true
	case ReplidMailbox:
		return mailboxGUID, true
	}
	return GUID{}, false
}

// WellKnownReplid is the reverse of WellKnownReplGUID.
func WellKnownReplid(g, storeGUID, mailboxGUID GUID) (uint16, bool) {
	switch {
	case g.IsZero():
		return 0, false
	case g == storeGUID:
		return ReplidLocal, true
	case g == ReplGUID2:
		return ReplidExchange2, true
	case g == ReplGUID3:
		return ReplidExchange3, true
	case g == ReplGUID4:
		return ReplidExchange4, true
	case g == mailboxGUID:
		return ReplidMailbox, true
	}
	return 0, false
}

// MailboxID is the MailboxId GUID of AutoDiscover and MAPI/HTTP URLs
// (cvt_username_to_mailboxid). Its text form is the hex of 16 bytes: the
// first 12 bytes of username (cut at a NUL, zero-filled), then userID as a
// little-endian u32, in byte order, grouped 8-4-4-4-12.
func MailboxID(username string, userID uint32) GUID {
	var raw [16]byte
	for i := 0; i < 12 && i < len(username) && username[i] != 0; i++ {
		raw[i] = username[i]
	}
	binary.LittleEndian.PutUint32(raw[12:], userID)
	return NewGUID(binary.BigEndian.Uint32(raw[0:]), binary.BigEndian.Uint16(raw[4:]),
		binary.BigEndian.Uint16(raw[6:]), [8]byte(raw[8:]))
}

// Parts of legacy Exchange DNs (include/gromox/defs.h EAG_*).
const (
	eagBase    = "ou=Exchange Administrative Group (FYDIBOHF23SPDLT)"
	eagRcpts   = eagBase + "/cn=Recipients"
	eagServers = eagBase + "/cn=Configuration/cn=Servers"
)

// PublicFolderRootLocalPart is the local part of the ESSDN of a public
// store ("public.folder.root@<domain>" is its owner name).
const PublicFolderRootLocalPart = "public.folder.root"

// ESSDN returns the legacy DN (X500 address, PR_EMAIL_ADDRESS of an EX
// recipient) of a user: /o=<org>/ou=Exchange Administrative Group
// (FYDIBOHF23SPDLT)/cn=Recipients/cn=<domainID><userID>-<localpart>, each id
// as 8 hex digits of its little-endian bytes (bswap32 printed %08x). A
// username without '@' names a domain, whose public store gets the local
// part "public.folder.root" (pass userID 0), as cvt_username_to_essdn does.
// Exchange writes it upper-cased in some message properties; callers do
// that.
func ESSDN(org, username string, domainID, userID uint32) string {
	local := PublicFolderRootLocalPart
	if at := strings.IndexByte(username, '@'); at >= 0 {
		local = username[:at]
	}
	return fmt.Sprintf("/o=%s/%s/cn=%08x%08x-%s", org, eagRcpts,
		essdnSwap32(domainID), essdnSwap32(userID), local)
}

// PublicStoreESSDN is the ESSDN of the public store of domainID.
func PublicStoreESSDN(org string, domainID uint32) string {
	return ESSDN(org, "", domainID, 0)
}

// ESSDNParts is what ParseESSDN finds in a recipient ESSDN.
type ESSDNParts struct {
	DomainID  uint32
	UserID    uint32
	LocalPart string
}

// IsPublicStore reports whether the DN names a public store.
func (p ESSDNParts) IsPublicStore() bool {
	return p.UserID == 0 && strings.EqualFold(p.LocalPart, PublicFolderRootLocalPart)
}

// ErrNotESSDN is returned by ParseESSDN for DNs not made by ESSDN for org.
var ErrNotESSDN = errors.New("mapi: not a recipient ESSDN of this organization")

// ParseESSDN reverses ESSDN (cvt_essdn_to_username). The prefix and the
// hex digits compare case-insensitively, since Exchange upper-cases DNs.
// Looking up the user and checking that the local part matches the
// username is the caller's job.
func ParseESSDN(org, dn string) (ESSDNParts, error) {
	prefix := "/o=" + org + "/" + eagRcpts + "/cn="
	if len(dn) < len(prefix)+17 || !strings.EqualFold(dn[:len(prefix)], prefix) ||
		dn[len(prefix)+16] != '-' {
		return ESSDNParts{}, ErrNotESSDN
	}
	ids := dn[len(prefix):]
	dom, err1 := essdnParseHex32(ids[0:8])
	usr, err2 := essdnParseHex32(ids[8:16])
	if err1 != nil || err2 != nil {
		return ESSDNParts{}, ErrNotESSDN
	}
	return ESSDNParts{DomainID: dom, UserID: usr, LocalPart: ids[17:]}, nil
}

// ServerDN is the DN of the mailbox "server" of a user
// (cvt_username_to_serverdn): /o=<org>/ou=Exchange Administrative Group
// (FYDIBOHF23SPDLT)/cn=Configuration/cn=Servers/cn=<MailboxID>@<domain>.
func ServerDN(org, username string, userID uint32) (string, error) {
	at := strings.IndexByte(username, '@')
	if at < 0 {
		return "", fmt.Errorf("mapi: ServerDN: %q has no domain", username)
	}
	return fmt.Sprintf("/o=%s/%s/cn=%s@%s", org, eagServers,
		MailboxID(username, userID), username[at+1:]), nil
}

// MDBDN is the DN of the private mailbox database of a user
// (cvt_username_to_mdbdn): ServerDN + "/cn=Microsoft Private MDB".
func MDBDN(org, username string, userID uint32) (string, error) {
	s, err := ServerDN(org, username, userID)
	if err != nil {
		return "", err
	}
	return s + "/cn=Microsoft Private MDB", nil
}

func essdnSwap32(v uint32) uint32 {
	return v>>24 | v>>8&0xff00 | v<<8&0xff0000 | v<<24
}

// essdnParseHex32 reads 8 hex digits that spell the 4 bytes of a
// little-endian u32 in byte order.
func essdnParseHex32(s string) (uint32, error) {
	v, err := strconv.ParseUint(s, 16, 32)
	if err != nil || len(s) != 8 {
		return 0, errors.New("bad hex")
	}
	return essdnSwap32(uint32(v)), nil
}
