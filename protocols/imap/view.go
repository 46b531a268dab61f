package imap

import "sort"

// view is a client's view of its selected folder: sequence number i+1 is
// the i-th message, in UID order. It is kept as runs of messages whose UIDs
// and message ids both go up by one, as delivery and APPEND make them, so
// that a session holds a few runs for a folder of any size rather than
// arrays (thousands of idle sessions on large folders). Every expunged
// message in the middle of a run splits it: a folder with many holes has
// many runs, 20 bytes each.
type view struct {
	runs []run
	n    int
}

// run is n messages from UID uid and message id mid on, starting at
// position start of the view. The message id is kept as two halves so
// that a run takes 20 bytes rather than 32 (a uint64 field would align it
// to 8).
type run struct {
	start        uint32
	uid          uint32
	n            uint32
	midLo, midHi uint32
}

func newRun(start int, uid uint32, mid uint64, n uint32) run {
	return run{start: uint32(start), uid: uid, n: n, midLo: uint32(mid), midHi: uint32(mid >> 32)}
}

// mid is the message id of the run's first message.
func (r *run) mid() uint64 { return uint64(r.midHi)<<32 | uint64(r.midLo) }

// Len is the number of messages.
func (v *view) Len() int { return v.n }

// at gives the UID and message id at position i (0-based).
func (v *view) at(i int) (uint32, uint64) {
	k := sort.Search(len(v.runs), func(k int) bool { return int(v.runs[k].start) > i }) - 1
	r := &v.runs[k]
	d := i - int(r.start)
	return r.uid + uint32(d), r.mid() + uint64(d)
}

// uidAt gives the UID at position i.
func (v *view) uidAt(i int) uint32 {
	uid, _ := v.at(i)
	return uid
}

// index gives the position of uid, or -1.
func (v *view) index(uid uint32) int {
	k := sort.Search(len(v.runs), func(k int) bool { return v.runs[k].uid+v.runs[k].n > uid })
	if k == len(v.runs) || uid < v.runs[k].uid {
		return -1
	}
	return int(v.runs[k].start) + int(uid-v.runs[k].uid)
}

// search gives the position of the first message with a UID of at least
// uid (Len if none).
func (v *view) search(uid uint32) int {
	k := sort.Search(len(v.runs), func(k int) bool { return v.runs[k].uid+v.runs[k].n > uid })
	if k == len(v.runs) {
		return v.n
	}
	r := v.runs[k]
	if uid <= r.uid {
		return int(r.start)
	}
	return int(r.start) + int(uid-r.uid)
}

// indexOfMID gives the position of message id mid, or -1 (a scan of the
// runs: notifications are few).
func (v *view) indexOfMID(mid uint64) int {
	for k := range v.runs {
		r := &v.runs[k]
		if first := r.mid(); mid >= first && mid < first+uint64(r.n) {
			return int(r.start) + int(mid-first)
		}
	}
	return -1
}

// maxUID is the highest UID, 0 when empty.
func (v *view) maxUID() uint32 {
	if len(v.runs) == 0 {
		return 0
	}
	r := v.runs[len(v.runs)-1]
	return r.uid + r.n - 1
}

// add appends a message whose UID is above every other.
func (v *view) add(uid uint32, mid uint64) {
	if k := len(v.runs) - 1; k >= 0 {
		r := &v.runs[k]
		if uid == r.uid+r.n && mid == r.mid()+uint64(r.n) {
			r.n++
			v.n++
			return
		}
	}
	v.runs = append(v.runs, newRun(v.n, uid, mid, 1))
	v.n++
}

// remove drops the message at position i.
func (v *view) remove(i int) {
	k := sort.Search(len(v.runs), func(k int) bool { return int(v.runs[k].start) > i }) - 1
	r := v.runs[k]
	d := uint32(i) - r.start
	switch {
	case r.n == 1:
		v.runs = append(v.runs[:k], v.runs[k+1:]...)
	case d == 0:
		v.runs[k] = newRun(int(r.start), r.uid+1, r.mid()+1, r.n-1)
		k++
	case d == r.n-1:
		v.runs[k].n--
		k++
	default:
		tail := newRun(int(r.start+d), r.uid+d+1, r.mid()+uint64(d)+1, r.n-d-1)
		v.runs[k].n = d
		v.runs = append(v.runs, run{})
		copy(v.runs[k+2:], v.runs[k+1:])
		v.runs[k+1] = tail
		k += 2
	}
	for ; k < len(v.runs); k++ {
		v.runs[k].start--
	}
	v.n--
}

// compact gives back the room the runs have beyond what they hold, when
// that is more than an eighth (a session going idle keeps its view for
// as long as it idles).
func (v *view) compact() {
	if extra := cap(v.runs) - len(v.runs); extra > 0 && extra*8 > len(v.runs) {
		runs := make([]run, len(v.runs))
		copy(runs, v.runs)
		v.runs = runs
	}
}
