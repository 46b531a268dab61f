package mapi

// Identifiers of objects in a store (MS-OXCDATA 2.2.1, MS-OXCFXICS 2.2.2;
// reference §2.7).
//
// A store counts objects with 48-bit global counter values (GCVs). SQLite
// keeps plain GCVs in folder_id/message_id/change_number. On the wire, and in
// exmdb RPC parameters, an object id is an EID: a little-endian u64 whose
// first two bytes are the replica id (little-endian) and whose next six bytes
// are the GCV in big-endian order (MS-OXCDATA 2.2.1.1 Folder ID, 2.2.1.2
// Message ID). Read as a number on a little-endian host that is
// bswap64(gcv)|replid, the form upstream keeps in eid_t.

import (
	"encoding/binary"
	"fmt"
	"math/bits"
)

// GCVMask keeps the 48 bits of a global counter value.
const GCVMask = 0xFFFFFFFFFFFF

// Well-known GCVs of the built-in folders of a private store (upstream
// include/gromox/mapi_types.hpp PRIVATE_FID_*; created by mkprivate).
const (
	PrivateFIDRoot                       = 0x01
	PrivateFIDDeferredAction             = 0x02
	PrivateFIDSpoolerQueue               = 0x03
	PrivateFIDShortcuts                  = 0x04
	PrivateFIDFinder                     = 0x05
	PrivateFIDViews                      = 0x06
	PrivateFIDCommonViews                = 0x07
	PrivateFIDSchedule                   = 0x08
	PrivateFIDIPMSubtree                 = 0x09
	PrivateFIDSentItems                  = 0x0a
	PrivateFIDDeletedItems               = 0x0b
	PrivateFIDOutbox                     = 0x0c
	PrivateFIDInbox                      = 0x0d
	PrivateFIDDraft                      = 0x0e
	PrivateFIDCalendar                   = 0x0f
	PrivateFIDJournal                    = 0x10
	PrivateFIDNotes                      = 0x11
	PrivateFIDTasks                      = 0x12
	PrivateFIDContacts                   = 0x13
	PrivateFIDQuickContacts              = 0x14
	PrivateFIDIMContactList              = 0x15
	PrivateFIDGALContacts                = 0x16
	PrivateFIDJunk                       = 0x17
	PrivateFIDLocalFreebusy              = 0x18
	PrivateFIDSyncIssues                 = 0x19
	PrivateFIDConflicts                  = 0x1a
	PrivateFIDLocalFailures              = 0x1b
	PrivateFIDServerFailures             = 0x1c
	PrivateFIDConversationActionSettings = 0x1d
	// PrivateFIDUnassignedStart begins the region (up to 0xff) reserved
	// for future built-in folders.
	PrivateFIDUnassignedStart = 0x1e
)

// Well-known GCVs of the built-in folders of a public store (PUBLIC_FID_*,
// created by mkpublic).
const (
	PublicFIDRoot            = 0x01
	PublicFIDIPMSubtree      = 0x02
	PublicFIDNonIPMSubtree   = 0x03
	PublicFIDEFormsRegistry  = 0x04
	PublicFIDUnassignedStart = 0x05
)

// Allocation of GCVs (common_util_allocate_eid, mkprivate).
const (
	// CustomEIDBegin is the first GCV handed out from the global counter
	// (CONFIG_ID_CURRENT_EID of a new store).
	CustomEIDBegin = 0x100
	// AllocatedEIDRange is the size of one reservation in allocated_eids
	// and of a folder's own message-id range.
	AllocatedEIDRange = 0x10000
)

// Replica ids (MS-OXCSTOR 2.2.1.1.1 REPLID; emsmdb replid_to_replguid).
const (
	// ReplidLocal is the replica id of the store itself; its REPLGUID is
	// the store GUID (PrivateStoreGUID/PublicStoreGUID).
	ReplidLocal uint16 = 1
	// Replids 2 to 4 stand for fixed Exchange replica GUIDs (ReplGUID2..4).
	ReplidExchange2 uint16 = 2
	ReplidExchange3 uint16 = 3
	ReplidExchange4 uint16 = 4
	// ReplidMailbox stands for the mailbox GUID (configurations
	// MAILBOX_GUID, the store record key).
	ReplidMailbox uint16 = 5
	// ReplidFirstMapped is the first replid the replguidmap table hands
	// out for other GUIDs (MS-OXCSTOR 3.2.5.9 RopGetLocalReplicaIds).
	ReplidFirstMapped uint16 = 6
)

// EID is a folder id, message id or change number in its wire form: the
// value of the little-endian u64 on the wire, bswap64(gcv)|replid.
type EID uint64

// MakeEID builds an EID from a replica id and a GCV (rop_util_make_eid_ex).
// Bits of gcv above 48 are dropped.
func MakeEID(replid uint16, gcv uint64) EID {
	return EID(bits.ReverseBytes64(gcv&GCVMask) | uint64(replid))
}

// MakeChangeNumber is the EID form of a change number of this store
// (replid 1), as PidTagChangeNumber carries it.
func MakeChangeNumber(cn uint64) EID { return MakeEID(ReplidLocal, cn) }

// GCV returns the 48-bit global counter value (rop_util_get_gc_value).
func (e EID) GCV() uint64 { return bits.ReverseBytes64(uint64(e)) & GCVMask }

// Replid returns the replica id (rop_util_get_replid).
func (e EID) Replid() uint16 { return uint16(e) }

// GlobCnt returns the GCV in its 6-byte big-endian form.
func (e EID) GlobCnt() GlobCnt { return GlobCntOf(e.GCV()) }

// Wire returns the 8 bytes of e as they travel: replid little-endian, then
// the GCV big-endian.
func (e EID) Wire() [8]byte {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(e))
	return b
}

// EIDFromWire reads the 8-byte wire form.
func EIDFromWire(b [8]byte) EID { return EID(binary.LittleEndian.Uint64(b[:])) }

func (e EID) String() string { return fmt.Sprintf("%d:%#x", e.Replid(), e.GCV()) }

// GlobCnt is a 48-bit counter as 6 big-endian bytes (MS-OXCFXICS 2.2.2.5
// GLOBCNT), the form that compares byte by byte in counter order.
type GlobCnt [6]byte

// GlobCntOf returns the 6-byte form of the low 48 bits of v
// (rop_util_value_to_gc).
func GlobCntOf(v uint64) GlobCnt {
	var g GlobCnt
	for i := 5; i >= 0; i-- {
		g[i] = byte(v)
		v >>= 8
	}
	return g
}

// Value returns the counter (rop_util_gc_to_value).
func (g GlobCnt) Value() uint64 {
	var v uint64
	for _, b := range g {
		v = v<<8 | uint64(b)
	}
	return v
}

// LongTermID names an object independently of the replid mapping of one
// logon: the REPLGUID of its replica and its GLOBCNT (MS-OXCDATA 2.2.1.3.1;
// without the pad it is a GID, 2.2.1.3).
type LongTermID struct {
	GUID    GUID
	GlobCnt GlobCnt
}

// LongTermIDSize is the wire size of a LongTermID (16 + 6 + 2 pad bytes).
const LongTermIDSize = 24

// SourceKeySize is the size of a PR_SOURCE_KEY, a GID: 16 + 6 bytes.
const SourceKeySize = 22

// NewLongTermID builds the long-term id of a GCV in the replica replGUID.
func NewLongTermID(replGUID GUID, gcv uint64) LongTermID {
	return LongTermID{GUID: replGUID, GlobCnt: GlobCntOf(gcv)}
}

// GCV returns the counter.
func (l LongTermID) GCV() uint64 { return l.GlobCnt.Value() }

// EID returns the short-term id of l, given the replid its GUID maps to.
func (l LongTermID) EID(replid uint16) EID { return MakeEID(replid, l.GCV()) }

// Bytes returns the 24-byte LongTermID with a zero pad (ext_buffer
// p_longterm).
func (l LongTermID) Bytes() []byte {
	b := make([]byte, 0, LongTermIDSize)
	b = append(b, l.GUID[:]...)
	b = append(b, l.GlobCnt[:]...)
	return append(b, 0, 0)
}

// ParseLongTermID reads a 24-byte LongTermID. The pad, which MS-OXCDATA
// says is zero, is not checked (upstream reads and ignores it).
func ParseLongTermID(b []byte) (LongTermID, error) {
	if len(b) != LongTermIDSize {
		return LongTermID{}, fmt.Errorf("mapi: LongTermID of %d bytes, want %d", len(b), LongTermIDSize)
	}
	var l LongTermID
	copy(l.GUID[:], b)
	copy(l.GlobCnt[:], b[16:])
	return l, nil
}

// SourceKey returns the 22-byte GID form used as PR_SOURCE_KEY and
// PR_PARENT_SOURCE_KEY (emsmdb cu_fid_to_sk/cu_mid_to_sk: replica GUID
// then the 6-byte GLOBCNT).
func (l LongTermID) SourceKey() []byte {
	b := make([]byte, 0, SourceKeySize)
	b = append(b, l.GUID[:]...)
	return append(b, l.GlobCnt[:]...)
}

// ParseSourceKey reads a 22-byte source key.
func ParseSourceKey(b []byte) (LongTermID, error) {
	if len(b) != SourceKeySize {
		return LongTermID{}, fmt.Errorf("mapi: source key of %d bytes, want %d", len(b), SourceKeySize)
	}
	var l LongTermID
	copy(l.GUID[:], b)
	copy(l.GlobCnt[:], b[16:])
	return l, nil
}

// SourceKey is the PR_SOURCE_KEY of the object gcv in the replica replGUID.
// For objects of the store itself replGUID is the store GUID.
func SourceKey(replGUID GUID, gcv uint64) []byte {
	return NewLongTermID(replGUID, gcv).SourceKey()
}
