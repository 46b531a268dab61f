package mapi

// Change keys and predecessor change lists (MS-OXCFXICS 2.2.2.2 XID,
// 2.2.2.3 PredecessorChangeList; upstream lib/mapi/pcl.cpp for ordering).
//
// A change key (PR_CHANGE_KEY) is an XID: the GUID of the replica that made
// the change and its change number as a big-endian counter of 1 to 8 bytes
// (6 for change numbers, so 22 bytes). Upstream uses the store GUID
// (PrivateStoreGUID of the owner, PublicStoreGUID of the domain) and the CN.
//
// A PCL (PR_PREDECESSOR_CHANGE_LIST) holds one XID per GUID, the newest one
// seen, each preceded by its size in one byte (SizedXid). Entries are kept in
// ascending byte order of the GUID's 16 wire bytes, which is the order
// upstream serializes (it inserts sorted by memcmp of the GUID).

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
)

// XID is a change key: a namespace GUID and a local id.
type XID struct {
	GUID GUID
	// LocalID is the local id read as a big-endian integer.
	LocalID uint64
	// LocalIDLen is the number of bytes the local id takes on the wire,
	// 1 to 8; zero means 6, the size of change numbers.
	LocalIDLen uint8
}

// ChangeKeySize is the size of the change keys upstream makes: 16 + 6.
const ChangeKeySize = 22

// NewXID is the change key of change number cn made by the replica g
// (XID::XID(GUID, eid_t)): a 6-byte local id.
func NewXID(g GUID, cn uint64) XID {
	return XID{GUID: g, LocalID: cn & GCVMask, LocalIDLen: 6}
}

// ChangeKey is the PR_CHANGE_KEY bytes of change number cn of store g.
func ChangeKey(g GUID, cn uint64) []byte { return NewXID(g, cn).Bytes() }

func (x XID) localLen() int {
	if x.LocalIDLen == 0 || x.LocalIDLen > 8 {
		return 6
	}
	return int(x.LocalIDLen)
}

// Size is the wire size of x: 16 plus the local id length.
func (x XID) Size() int { return 16 + x.localLen() }

// AppendTo appends the wire form of x (no size byte) to b.
func (x XID) AppendTo(b []byte) []byte {
	b = append(b, x.GUID[:]...)
	n := x.localLen()
	for i := n - 1; i >= 0; i-- {
		b = append(b, byte(x.LocalID>>(8*uint(i))))
	}
	return b
}

// Bytes returns the wire form of x, the PR_CHANGE_KEY value.
func (x XID) Bytes() []byte { return x.AppendTo(make([]byte, 0, x.Size())) }

// String formats x as "<guid>:<local id in hex, 2 digits per byte>".
func (x XID) String() string {
	return fmt.Sprintf("%s:%0*x", x.GUID, 2*x.localLen(), x.LocalID)
}

// ParseXID reads a change key of 17 to 24 bytes (common_util_binary_to_xid).
func ParseXID(b []byte) (XID, error) {
	if len(b) < 17 || len(b) > 24 {
		return XID{}, fmt.Errorf("mapi: XID of %d bytes, want 17..24", len(b))
	}
	x := XID{GUID: GUID(b[:16]), LocalIDLen: uint8(len(b) - 16)}
	for _, c := range b[16:] {
		x.LocalID = x.LocalID<<8 | uint64(c)
	}
	return x, nil
}

// PCL is a predecessor change list. The zero value is an empty list.
type PCL struct {
	xids []XID // sorted by GUID bytes, one per GUID
}

// ErrXIDSizeMismatch is returned when two XIDs of one GUID differ in size,
// which upstream refuses to merge.
var ErrXIDSizeMismatch = errors.New("mapi: XIDs of one GUID differ in size")

// ParsePCL reads PR_PREDECESSOR_CHANGE_LIST. Entries may come in any order
// and repeat a GUID; they are merged as Append does. An empty value is an
// empty list.
func ParsePCL(b []byte) (PCL, error) {
	var xs []XID
	for len(b) > 0 {
		n := int(b[0])
		if n < 17 || n > 24 {
			return PCL{}, fmt.Errorf("mapi: PCL entry of size %d, want 17..24", n)
		}
		if len(b) < 1+n {
			return PCL{}, errors.New("mapi: PCL entry truncated")
		}
		x, _ := ParseXID(b[1 : 1+n])
		xs = append(xs, x)
		b = b[1+n:]
	}
	// Sort, then keep the newest of each GUID: what appending one by one
	// gives, without its quadratic cost on long input.
	slices.SortStableFunc(xs, func(a, b XID) int { return bytes.Compare(a.GUID[:], b.GUID[:]) })
	out := xs[:0]
	for _, x := range xs {
		if n := len(out); n > 0 && out[n-1].GUID == x.GUID {
			if out[n-1].LocalIDLen != x.LocalIDLen {
				return PCL{}, ErrXIDSizeMismatch
			}
			out[n-1].LocalID = max(out[n-1].LocalID, x.LocalID)
			continue
		}
		out = append(out, x)
	}
	return PCL{xids: out}, nil
}

// Bytes serializes p: each XID as a size byte and the XID, in GUID order.
func (p PCL) Bytes() []byte {
	n := 0
	for _, x := range p.xids {
		n += 1 + x.Size()
	}
	b := make([]byte, 0, n)
	for _, x := range p.xids {
		b = append(b, byte(x.Size()))
		b = x.AppendTo(b)
	}
	return b
}

// Len returns the number of XIDs.
func (p PCL) Len() int { return len(p.xids) }

// XIDs returns the XIDs in serialization order.
func (p PCL) XIDs() []XID { return slices.Clone(p.xids) }

func (p PCL) find(g GUID) (int, bool) {
	return slices.BinarySearchFunc(p.xids, g, func(x XID, g GUID) int {
		return bytes.Compare(x.GUID[:], g[:])
	})
}

// Get returns the XID of GUID g, if any.
func (p PCL) Get(g GUID) (XID, bool) {
	i, ok := p.find(g)
	if !ok {
		return XID{}, false
	}
	return p.xids[i], true
}

// Append records x: added if its GUID is new, otherwise kept only if newer
// than the XID present (PCL::append). XIDs of one GUID must have the same
// size.
func (p *PCL) Append(x XID) error {
	x.LocalIDLen = uint8(x.localLen())
	i, ok := p.find(x.GUID)
	if !ok {
		p.xids = slices.Insert(p.xids, i, x)
		return nil
	}
	cur := &p.xids[i]
	if cur.LocalIDLen != x.LocalIDLen {
		return ErrXIDSizeMismatch
	}
	if x.LocalID > cur.LocalID {
		cur.LocalID = x.LocalID
	}
	return nil
}

// Replace records x for its GUID whether or not it is newer (PCL::replace,
// used by importers that set a known change).
func (p *PCL) Replace(x XID) {
	x.LocalIDLen = uint8(x.localLen())
	i, ok := p.find(x.GUID)
	if ok {
		p.xids[i] = x
		return
	}
	p.xids = slices.Insert(p.xids, i, x)
}

// Remove drops the XID of GUID g (PCL::delguid).
func (p *PCL) Remove(g GUID) {
	if i, ok := p.find(g); ok {
		p.xids = slices.Delete(p.xids, i, i+1)
	}
}

// Merge appends every XID of q to p, keeping the newest per GUID: the PCL
// of a version that descends from both, such as a conflict resolve message
// (MS-OXCFXICS 3.1.5.6.2.1).
// On error p is left unchanged.
func (p *PCL) Merge(q PCL) error {
	r := PCL{xids: slices.Clone(p.xids)}
	for _, x := range q.xids {
		if err := r.Append(x); err != nil {
			return err
		}
	}
	*p = r
	return nil
}

// Includes reports whether p knows the change x: p holds an XID of the
// same GUID and size with a local id at least as high.
func (p PCL) Includes(x XID) bool {
	i, ok := p.find(x.GUID)
	if !ok {
		return false
	}
	y := p.xids[i]
	return y.localLen() == x.localLen() && y.LocalID >= x.LocalID
}

// includesAll reports whether p includes every XID of q.
func (p PCL) includesAll(q PCL) bool {
	for _, x := range q.xids {
		if !p.Includes(x) {
			return false
		}
	}
	return true
}

// PCLOrder is the outcome of comparing two PCLs.
type PCLOrder int

// Outcomes of ComparePCL.
const (
	// PCLConflict: each version holds a change the other does not know.
	PCLConflict PCLOrder = iota
	// PCLEqual: both hold the same changes.
	PCLEqual
	// PCLANewer: a includes every change of b and more.
	PCLANewer
	// PCLBNewer: b includes every change of a and more.
	PCLBNewer
)

func (o PCLOrder) String() string {
	switch o {
	case PCLEqual:
		return "equal"
	case PCLANewer:
		return "a-newer"
	case PCLBNewer:
		return "b-newer"
	}
	return "conflict"
}

// ComparePCL compares two versions of an object by their PCLs
// (MS-OXCFXICS 3.1.5.6.1, conflict detection; PCL::compare): a version
// whose PCL includes the other's is the same or newer; if neither includes
// the other, the versions conflict.
func ComparePCL(a, b PCL) PCLOrder {
	aInB, bInA := b.includesAll(a), a.includesAll(b)
	switch {
	case aInB && bInA:
		return PCLEqual
	case bInA:
		return PCLANewer
	case aInB:
		return PCLBNewer
	}
	return PCLConflict
}
