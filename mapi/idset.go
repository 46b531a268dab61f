package mapi

// IDSETs (MS-OXCFXICS 2.2.2.4) and their GLOBSET compression (2.2.2.6,
// 3.1.5.4.3).
//
// An IDSET maps replicas to sets of 48-bit GLOBCNTs. In memory each set is a
// GlobSet: sorted, disjoint, non-adjacent inclusive ranges, so two equal
// sets have one representation. On the wire a replica is named by its REPLID
// (IDSet: the transient MetaTagIdsetDeleted/NoLongerInScope/Expired/Read/
// Unread) or by its REPLGUID (GUIDIDSet: the persisted ICS state,
// MetaTagIdsetGiven and the MetaTagCnset* properties), 3.1.5.4.2.
//
// Decoding accepts any valid command sequence in any order (ranges may
// overlap or come unsorted; a replica may repeat) and rejects what the spec
// makes a format error: unknown commands, a common byte stack over 6 bytes,
// Bitmask without exactly 5 stacked bytes, Range with a low value above its
// high value, Pop on an empty stack, a missing End.
//
// Encoding writes replicas in ascending REPLID or REPLGUID byte order
// (2.2.2.4.1, 2.2.2.4.2) and each GLOBSET the way upstream
// (lib/mapi/idset.cpp) does, so the bytes match what Gromox sends for the
// same set:
//   - a single range: Push of all 6 bytes for a singleton, else a Range of 6
//     byte values; then End;
//   - several ranges: Push of the bytes common to the lowest and the highest
//     value (if any); per range, a Push of the rest for a singleton, else a
//     Push of the further bytes common to its ends (if any), a Range of the
//     remaining bytes and a Pop matching that Push; a Pop matching the first
//     Push; End.
// Bitmask is never written.

import (
	"bytes"
	"errors"
	"fmt"
	"iter"
	"slices"
)

// GlobCntRange is an inclusive range of counter values.
type GlobCntRange struct {
	Low, High uint64
}

// GlobSet is a set of 48-bit counter values (MS-OXCFXICS 2.2.2.6). The zero
// value is empty.
type GlobSet struct {
	r []GlobCntRange // sorted, disjoint, non-adjacent
}

// GLOBSET commands (MS-OXCFXICS 2.2.2.6.1 to 2.2.2.6.5).
const (
	globsetEnd     = 0x00
	globsetPushMax = 0x06 // Push is 0x01..0x06: the number of bytes
	globsetBitmask = 0x42
	globsetPop     = 0x50
	globsetRange   = 0x52
)

// ErrGlobCntRange is returned for values beyond 48 bits or low > high.
var ErrGlobCntRange = errors.New("mapi: bad GLOBCNT range")

// AddRange adds every value from lo to hi inclusive.
func (s *GlobSet) AddRange(lo, hi uint64) error {
	if lo > hi || hi > GCVMask {
		return ErrGlobCntRange
	}
	// [i, j) are the ranges that overlap or touch [lo, hi].
	i, _ := slices.BinarySearchFunc(s.r, lo, func(r GlobCntRange, v uint64) int {
		if r.High+1 < v {
			return -1
		}
		return 1
	})
	j, _ := slices.BinarySearchFunc(s.r, hi, func(r GlobCntRange, v uint64) int {
		if r.Low <= v+1 {
			return -1
		}
		return 1
	})
	if i == j {
		s.r = slices.Insert(s.r, i, GlobCntRange{lo, hi})
		return nil
	}
	n := GlobCntRange{min(lo, s.r[i].Low), max(hi, s.r[j-1].High)}
	s.r = slices.Replace(s.r, i, j, n)
	return nil
}

// Add adds one value.
func (s *GlobSet) Add(v uint64) error { return s.AddRange(v, v) }

// RemoveRange removes every value from lo to hi inclusive.
func (s *GlobSet) RemoveRange(lo, hi uint64) {
	if lo > hi {
		return
	}
	// [i, j) are the ranges that overlap [lo, hi].
	i, _ := slices.BinarySearchFunc(s.r, lo, func(r GlobCntRange, v uint64) int {
		if r.High < v {
			return -1
		}
		return 1
	})
	j, _ := slices.BinarySearchFunc(s.r, hi, func(r GlobCntRange, v uint64) int {
		if r.Low <= v {
			return -1
		}
		return 1
	})
	if i >= j {
		return
	}
	var keep []GlobCntRange
	if s.r[i].Low < lo {
		keep = append(keep, GlobCntRange{s.r[i].Low, lo - 1})
	}
	if s.r[j-1].High > hi {
		keep = append(keep, GlobCntRange{hi + 1, s.r[j-1].High})
	}
	s.r = slices.Replace(s.r, i, j, keep...)
}

// Remove removes one value.
func (s *GlobSet) Remove(v uint64) { s.RemoveRange(v, v) }

// Contains reports whether v is in the set.
func (s GlobSet) Contains(v uint64) bool {
	i, _ := slices.BinarySearchFunc(s.r, v, func(r GlobCntRange, v uint64) int {
		if r.High < v {
			return -1
		}
		return 1
	})
	return i < len(s.r) && s.r[i].Low <= v
}

// IsEmpty reports whether the set has no values.
func (s GlobSet) IsEmpty() bool { return len(s.r) == 0 }

// Ranges returns the maximal ranges in ascending order.
func (s GlobSet) Ranges() []GlobCntRange { return slices.Clone(s.r) }

// Count returns the number of values.
func (s GlobSet) Count() uint64 {
	var n uint64
	for _, r := range s.r {
		n += r.High - r.Low + 1
	}
	return n
}

// All yields every value in ascending order.
func (s GlobSet) All() iter.Seq[uint64] {
	return func(yield func(uint64) bool) {
		for _, r := range s.r {
			for v := r.Low; ; v++ {
				if !yield(v) {
					return
				}
				if v == r.High {
					break
				}
			}
		}
	}
}

// Equal reports whether s and t hold the same values.
func (s GlobSet) Equal(t GlobSet) bool { return slices.Equal(s.r, t.r) }

// Union adds every value of t to s.
func (s *GlobSet) Union(t GlobSet) {
	if len(t.r) == 0 {
		return
	}
	s.r = globNormalize(append(slices.Clone(s.r), t.r...))
}

// globNormalize sorts valid ranges and merges those that overlap or
// touch, in O(n log n), reusing rs.
func globNormalize(rs []GlobCntRange) []GlobCntRange {
	slices.SortFunc(rs, func(a, b GlobCntRange) int {
		switch {
		case a.Low < b.Low:
			return -1
		case a.Low > b.Low:
			return 1
		}
		return 0
	})
	out := rs[:0]
	for _, r := range rs {
		if n := len(out); n > 0 && r.Low <= out[n-1].High+1 {
			out[n-1].High = max(out[n-1].High, r.High)
			continue
		}
		out = append(out, r)
	}
	return out
}

func (s GlobSet) clone() GlobSet { return GlobSet{r: slices.Clone(s.r)} }

// AppendTo appends the serialized GLOBSET to b, ending with End.
func (s GlobSet) AppendTo(b []byte) []byte {
	switch len(s.r) {
	case 0:
		return append(b, globsetEnd)
	case 1:
		lo, hi := GlobCntOf(s.r[0].Low), GlobCntOf(s.r[0].High)
		if lo == hi {
			b = append(b, 6)
			b = append(b, lo[:]...)
		} else {
			b = append(b, globsetRange)
			b = append(b, lo[:]...)
			b = append(b, hi[:]...)
		}
		return append(b, globsetEnd)
	}
	first, last := GlobCntOf(s.r[0].Low), GlobCntOf(s.r[len(s.r)-1].High)
	common := globCommonPrefix(first, last, 0)
	if common > 0 {
		b = append(b, byte(common))
		b = append(b, first[:common]...)
	}
	for _, r := range s.r {
		lo, hi := GlobCntOf(r.Low), GlobCntOf(r.High)
		if lo == hi {
			b = append(b, byte(6-common))
			b = append(b, lo[common:]...)
			continue
		}
		k := globCommonPrefix(lo, hi, common)
		if k > common {
			b = append(b, byte(k-common))
			b = append(b, lo[common:k]...)
		}
		b = append(b, globsetRange)
		b = append(b, lo[k:]...)
		b = append(b, hi[k:]...)
		if k > common {
			b = append(b, globsetPop)
		}
	}
	if common > 0 {
		b = append(b, globsetPop)
	}
	return append(b, globsetEnd)
}

// Bytes returns the serialized GLOBSET.
func (s GlobSet) Bytes() []byte { return s.AppendTo(nil) }

// globCommonPrefix returns the length of the common prefix of a and b, at
// least from.
func globCommonPrefix(a, b GlobCnt, from int) int {
	i := from
	for i < 6 && a[i] == b[i] {
		i++
	}
	return i
}

// ParseGlobSet decodes one GLOBSET from the start of b, up to and including
// its End command, and returns the number of bytes it took
// (MS-OXCFXICS 3.1.5.4.3.2).
func ParseGlobSet(b []byte) (GlobSet, int, error) {
	var (
		rs    []GlobCntRange // as decoded; normalized at End
		cur   GlobCnt        // the common byte stack, highest byte first
		depth int            // bytes on the stack
		stack [6]int         // lengths of the pushes on the stack
		nPush int
		off   int
	)
	fail := func(format string, args ...any) (GlobSet, int, error) {
		return GlobSet{}, 0, fmt.Errorf("mapi: GLOBSET at byte %d: "+format, append([]any{off}, args...)...)
	}
	for {
		if off >= len(b) {
			return fail("no End command")
		}
		cmd := int(b[off])
		off++
		switch {
		case cmd == globsetEnd:
			return GlobSet{r: globNormalize(rs)}, off, nil
		case cmd <= globsetPushMax:
			if depth+cmd > 6 {
				return fail("Push of %d bytes onto %d", cmd, depth)
			}
			if len(b)-off < cmd {
				return fail("Push truncated")
			}
			copy(cur[depth:], b[off:off+cmd])
			off += cmd
			if depth+cmd == 6 {
				// A sixth byte makes a singleton and pops itself
				// (3.1.5.4.3.1.1).
				v := cur.Value()
				rs = append(rs, GlobCntRange{v, v})
				continue
			}
			depth += cmd
			stack[nPush] = cmd
			nPush++
		case cmd == globsetPop:
			if nPush == 0 {
				return fail("Pop on an empty stack")
			}
			nPush--
			depth -= stack[nPush]
		case cmd == globsetBitmask:
			if depth != 5 {
				return fail("Bitmask with %d common bytes, want 5", depth)
			}
			if len(b)-off < 2 {
				return fail("Bitmask truncated")
			}
			start, mask := b[off], b[off+1]
			off += 2
			cur[5] = start
			low := cur.Value()
			rs = append(rs, GlobCntRange{low, low})
			// Bit i stands for start+1+i (3.1.5.4.3.1.3).
			for i := range 8 {
				if mask&(1<<i) == 0 {
					continue
				}
				if int(start)+1+i > 0xff {
					return fail("Bitmask beyond the low-order byte")
				}
				v := low + 1 + uint64(i)
				rs = append(rs, GlobCntRange{v, v})
			}
		case cmd == globsetRange:
			n := 6 - depth
			if len(b)-off < 2*n {
				return fail("Range truncated")
			}
			lo, hi := cur, cur
			copy(lo[depth:], b[off:off+n])
			copy(hi[depth:], b[off+n:off+2*n])
			off += 2 * n
			if lo.Value() > hi.Value() {
				return fail("Range low %#x above high %#x", lo.Value(), hi.Value())
			}
			rs = append(rs, GlobCntRange{lo.Value(), hi.Value()})
		default:
			return fail("unknown command %#02x", cmd)
		}
	}
}

// replica is the GLOBCNTs of one replica, keyed by REPLID (uint16) or
// REPLGUID (GUID).
type replica[K comparable] struct {
	key K
	set GlobSet
}

func cmpReplid(a, b uint16) int { return int(a) - int(b) }

func cmpReplGUID(a, b GUID) int { return bytes.Compare(a[:], b[:]) }

func findReplica[K comparable](reps []replica[K], k K, cmp func(K, K) int) (int, bool) {
	return slices.BinarySearchFunc(reps, k, func(r replica[K], k K) int { return cmp(r.key, k) })
}

// joinReplicas sorts reps by key, joins the sets of repeated keys and drops
// empty sets, in O(n log n); it reuses reps.
func joinReplicas[K comparable](reps []replica[K], cmp func(K, K) int) []replica[K] {
	slices.SortStableFunc(reps, func(a, b replica[K]) int { return cmp(a.key, b.key) })
	out := reps[:0]
	for i := 0; i < len(reps); {
		j := i + 1
		for j < len(reps) && reps[j].key == reps[i].key {
			j++
		}
		r := reps[i]
		if j > i+1 {
			var rs []GlobCntRange
			for _, x := range reps[i:j] {
				rs = append(rs, x.set.r...)
			}
			r.set = GlobSet{r: globNormalize(rs)}
		}
		if !r.set.IsEmpty() {
			out = append(out, r)
		}
		i = j
	}
	return out
}

// parseReplicas reads serialized IDSET entries: a key of keyLen bytes, then
// a GLOBSET, until b ends.
func parseReplicas[K comparable](b []byte, keyLen int, key func([]byte) K, cmp func(K, K) int) ([]replica[K], error) {
	var reps []replica[K]
	for off := 0; off < len(b); {
		if len(b)-off < keyLen {
			return nil, errors.New("mapi: IDSET: truncated replica key")
		}
		k := key(b[off : off+keyLen])
		off += keyLen
		g, n, err := ParseGlobSet(b[off:])
		if err != nil {
			return nil, fmt.Errorf("mapi: IDSET replica %v: %w", k, err)
		}
		off += n
		reps = append(reps, replica[K]{k, g})
	}
	return joinReplicas(reps, cmp), nil
}

// replicaAddRange adds lo..hi to replica k of the sorted reps.
func replicaAddRange[K comparable](reps []replica[K], k K, lo, hi uint64, cmp func(K, K) int) ([]replica[K], error) {
	if lo > hi || hi > GCVMask {
		return reps, ErrGlobCntRange
	}
	i, ok := findReplica(reps, k, cmp)
	if !ok {
		reps = slices.Insert(reps, i, replica[K]{key: k})
	}
	return reps, reps[i].set.AddRange(lo, hi)
}

// replicaRemoveRange removes lo..hi from replica k of the sorted reps.
func replicaRemoveRange[K comparable](reps []replica[K], k K, lo, hi uint64, cmp func(K, K) int) []replica[K] {
	i, ok := findReplica(reps, k, cmp)
	if !ok {
		return reps
	}
	reps[i].set.RemoveRange(lo, hi)
	if reps[i].set.IsEmpty() {
		reps = slices.Delete(reps, i, i+1)
	}
	return reps
}

// replicaUnion returns the union of two sorted replica lists.
func replicaUnion[K comparable](a, b []replica[K], cmp func(K, K) int) []replica[K] {
	if len(b) == 0 {
		return a
	}
	all := make([]replica[K], 0, len(a)+len(b))
	for _, r := range a {
		all = append(all, replica[K]{r.key, r.set.clone()})
	}
	all = append(all, b...)
	return joinReplicas(all, cmp)
}

func replicaEqual[K comparable](a, b []replica[K]) bool {
	return slices.EqualFunc(a, b, func(x, y replica[K]) bool {
		return x.key == y.key && x.set.Equal(y.set)
	})
}

func replicaKeys[K comparable](reps []replica[K]) []K {
	ks := make([]K, len(reps))
	for i, r := range reps {
		ks[i] = r.key
	}
	return ks
}

func replicaGlobSet[K comparable](reps []replica[K], k K, cmp func(K, K) int) GlobSet {
	if i, ok := findReplica(reps, k, cmp); ok {
		return reps[i].set.clone()
	}
	return GlobSet{}
}

func replicaRanges[K comparable](reps []replica[K]) iter.Seq2[K, GlobCntRange] {
	return func(yield func(K, GlobCntRange) bool) {
		for _, r := range reps {
			for _, g := range r.set.r {
				if !yield(r.key, g) {
					return
				}
			}
		}
	}
}

// IDSet is a set of EIDs (folder ids, message ids or change numbers)
// grouped by REPLID. The zero value is empty.
type IDSet struct {
	reps []replica[uint16] // sorted by replid, no empty sets
}

// AddRange adds the GLOBCNTs lo to hi of replica replid.
func (s *IDSet) AddRange(replid uint16, lo, hi uint64) error {
	var err error
	s.reps, err = replicaAddRange(s.reps, replid, lo, hi, cmpReplid)
	return err
}

// Add adds one EID.
func (s *IDSet) Add(e EID) { _ = s.AddRange(e.Replid(), e.GCV(), e.GCV()) }

// Remove removes one EID.
func (s *IDSet) Remove(e EID) { s.RemoveRange(e.Replid(), e.GCV(), e.GCV()) }

// RemoveRange removes the GLOBCNTs lo to hi of replica replid.
func (s *IDSet) RemoveRange(replid uint16, lo, hi uint64) {
	s.reps = replicaRemoveRange(s.reps, replid, lo, hi, cmpReplid)
}

// Contains reports whether e is in the set.
func (s IDSet) Contains(e EID) bool {
	i, ok := findReplica(s.reps, e.Replid(), cmpReplid)
	return ok && s.reps[i].set.Contains(e.GCV())
}

// IsEmpty reports whether the set has no ids.
func (s IDSet) IsEmpty() bool { return len(s.reps) == 0 }

// Replids returns the replicas that have ids, in ascending order.
func (s IDSet) Replids() []uint16 { return replicaKeys(s.reps) }

// GlobSet returns a copy of the GLOBCNTs of replica replid.
func (s IDSet) GlobSet(replid uint16) GlobSet { return replicaGlobSet(s.reps, replid, cmpReplid) }

// Ranges yields every replica's ranges, by ascending replid and value.
func (s IDSet) Ranges() iter.Seq2[uint16, GlobCntRange] { return replicaRanges(s.reps) }

// All yields every EID, by ascending replid and GCV.
func (s IDSet) All() iter.Seq[EID] {
	return func(yield func(EID) bool) {
		for _, r := range s.reps {
			for v := range r.set.All() {
				if !yield(MakeEID(r.key, v)) {
					return
				}
			}
		}
	}
}

// Union adds every id of t to s (idset::concatenate).
func (s *IDSet) Union(t IDSet) { s.reps = replicaUnion(s.reps, t.reps, cmpReplid) }

// Equal reports whether s and t hold the same ids.
func (s IDSet) Equal(t IDSet) bool { return replicaEqual(s.reps, t.reps) }

// Bytes serializes s in the REPLID-based form (MS-OXCFXICS 2.2.2.4.1).
func (s IDSet) Bytes() []byte {
	var b []byte
	for _, r := range s.reps {
		b = append(b, byte(r.key), byte(r.key>>8))
		b = r.set.AppendTo(b)
	}
	return b
}

// ParseIDSet decodes the REPLID-based form. Empty input is an empty set.
func ParseIDSet(b []byte) (IDSet, error) {
	reps, err := parseReplicas(b, 2, func(k []byte) uint16 {
		return uint16(k[0]) | uint16(k[1])<<8
	}, cmpReplid)
	if err != nil {
		return IDSet{}, err
	}
	return IDSet{reps: reps}, nil
}

// ToGUID converts s to the REPLGUID-based form, mapping each replid with
// toGUID (MS-OXCSTOR RopLongTermIdFromId / replguidmap).
func (s IDSet) ToGUID(toGUID func(replid uint16) (GUID, error)) (GUIDIDSet, error) {
	reps := make([]replica[GUID], 0, len(s.reps))
	for _, r := range s.reps {
		g, err := toGUID(r.key)
		if err != nil {
			return GUIDIDSet{}, fmt.Errorf("mapi: IDSET replid %d: %w", r.key, err)
		}
		reps = append(reps, replica[GUID]{g, r.set.clone()})
	}
	return GUIDIDSet{reps: joinReplicas(reps, cmpReplGUID)}, nil
}

// GUIDIDSet is an IDSET keyed by REPLGUID, the form persisted in ICS state.
// The zero value is empty.
type GUIDIDSet struct {
	reps []replica[GUID] // sorted by GUID bytes, no empty sets
}

// AddRange adds the GLOBCNTs lo to hi of replica g.
func (s *GUIDIDSet) AddRange(g GUID, lo, hi uint64) error {
	var err error
	s.reps, err = replicaAddRange(s.reps, g, lo, hi, cmpReplGUID)
	return err
}

// Add adds one long-term id.
func (s *GUIDIDSet) Add(l LongTermID) { _ = s.AddRange(l.GUID, l.GCV(), l.GCV()) }

// RemoveRange removes the GLOBCNTs lo to hi of replica g.
func (s *GUIDIDSet) RemoveRange(g GUID, lo, hi uint64) {
	s.reps = replicaRemoveRange(s.reps, g, lo, hi, cmpReplGUID)
}

// Remove removes one long-term id.
func (s *GUIDIDSet) Remove(l LongTermID) { s.RemoveRange(l.GUID, l.GCV(), l.GCV()) }

// Contains reports whether l is in the set.
func (s GUIDIDSet) Contains(l LongTermID) bool {
	i, ok := findReplica(s.reps, l.GUID, cmpReplGUID)
	return ok && s.reps[i].set.Contains(l.GCV())
}

// IsEmpty reports whether the set has no ids.
func (s GUIDIDSet) IsEmpty() bool { return len(s.reps) == 0 }

// GUIDs returns the replicas that have ids, in serialization order.
func (s GUIDIDSet) GUIDs() []GUID { return replicaKeys(s.reps) }

// GlobSet returns a copy of the GLOBCNTs of replica g.
func (s GUIDIDSet) GlobSet(g GUID) GlobSet { return replicaGlobSet(s.reps, g, cmpReplGUID) }

// Ranges yields every replica's ranges in serialization order.
func (s GUIDIDSet) Ranges() iter.Seq2[GUID, GlobCntRange] { return replicaRanges(s.reps) }

// Union adds every id of t to s.
func (s *GUIDIDSet) Union(t GUIDIDSet) { s.reps = replicaUnion(s.reps, t.reps, cmpReplGUID) }

// Equal reports whether s and t hold the same ids.
func (s GUIDIDSet) Equal(t GUIDIDSet) bool { return replicaEqual(s.reps, t.reps) }

// Bytes serializes s in the REPLGUID-based form (MS-OXCFXICS 2.2.2.4.2).
func (s GUIDIDSet) Bytes() []byte {
	var b []byte
	for _, r := range s.reps {
		b = append(b, r.key[:]...)
		b = r.set.AppendTo(b)
	}
	return b
}

// ParseGUIDIDSet decodes the REPLGUID-based form. Empty input is an empty
// set.
func ParseGUIDIDSet(b []byte) (GUIDIDSet, error) {
	reps, err := parseReplicas(b, 16, func(k []byte) GUID { return GUID(k) }, cmpReplGUID)
	if err != nil {
		return GUIDIDSet{}, err
	}
	return GUIDIDSet{reps: reps}, nil
}

// ToReplid converts s to the REPLID-based form, mapping each REPLGUID with
// toReplid (MS-OXCSTOR RopGetLocalReplicaIds / replguidmap). REPLGUIDs that
// map to one replid are joined.
func (s GUIDIDSet) ToReplid(toReplid func(GUID) (uint16, error)) (IDSet, error) {
	reps := make([]replica[uint16], 0, len(s.reps))
	for _, r := range s.reps {
		id, err := toReplid(r.key)
		if err != nil {
			return IDSet{}, fmt.Errorf("mapi: IDSET replguid %s: %w", r.key, err)
		}
		reps = append(reps, replica[uint16]{id, r.set.clone()})
	}
	return IDSet{reps: joinReplicas(reps, cmpReplid)}, nil
}
