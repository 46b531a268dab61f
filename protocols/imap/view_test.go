package imap

import (
	"math/rand"
	"testing"
)

// TestView checks the run-length view against plain slices under random
// appends (runs broken now and then) and removals.
func TestView(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for round := 0; round < 50; round++ {
		var v view
		var uids []uint32
		var mids []uint64
		uid, mid := uint32(1), uint64(1000)
		for op := 0; op < 400; op++ {
			if len(uids) > 0 && rng.Intn(3) == 0 {
				i := rng.Intn(len(uids))
				v.remove(i)
				uids = append(uids[:i], uids[i+1:]...)
				mids = append(mids[:i], mids[i+1:]...)
			} else {
				if rng.Intn(5) == 0 {
					uid += uint32(rng.Intn(3))
				}
				if rng.Intn(5) == 0 {
					mid += uint64(rng.Intn(50))
				}
				v.add(uid, mid)
				uids, mids = append(uids, uid), append(mids, mid)
				uid++
				mid++
			}
			if v.Len() != len(uids) {
				t.Fatalf("Len %d, want %d", v.Len(), len(uids))
			}
			for i := range uids {
				u, m := v.at(i)
				if u != uids[i] || m != mids[i] {
					t.Fatalf("at(%d) = %d,%d, want %d,%d", i, u, m, uids[i], mids[i])
				}
				if v.index(uids[i]) != i || v.indexOfMID(mids[i]) != i {
					t.Fatalf("index of %d/%d: %d %d, want %d", uids[i], mids[i], v.index(uids[i]), v.indexOfMID(mids[i]), i)
				}
			}
			if len(uids) > 0 {
				if v.maxUID() != uids[len(uids)-1] {
					t.Fatalf("maxUID %d", v.maxUID())
				}
				probe := uids[0] + uint32(rng.Intn(int(uids[len(uids)-1]-uids[0]+2)))
				want := len(uids)
				for i, u := range uids {
					if u >= probe {
						want = i
						break
					}
				}
				if got := v.search(probe); got != want {
					t.Fatalf("search(%d) = %d, want %d", probe, got, want)
				}
				if v.index(uids[len(uids)-1]+1) != -1 || v.index(0) != -1 {
					t.Fatal("index of an absent UID")
				}
			}
		}
	}
	// Consecutive deliveries make one run.
	var v view
	for i := uint32(1); i <= 100000; i++ {
		v.add(i, uint64(i)+7)
	}
	if len(v.runs) != 1 {
		t.Errorf("100,000 consecutive messages in %d runs", len(v.runs))
	}
}

// TestViewMIDHalves: message ids beyond 32 bits, and a run that crosses
// a multiple of 2^32, read back whole.
func TestViewMIDHalves(t *testing.T) {
	var v view
	base := uint64(5)<<40 | 0xffff_fffe
	for i := uint64(0); i < 4; i++ {
		v.add(uint32(10+i), base+i)
	}
	v.add(20, 7<<44)
	if len(v.runs) != 2 {
		t.Fatalf("%d runs, want 2", len(v.runs))
	}
	for i := 0; i < 4; i++ {
		if uid, mid := v.at(i); uid != uint32(10+i) || mid != base+uint64(i) {
			t.Errorf("at(%d) = %d, %#x", i, uid, mid)
		}
		if v.indexOfMID(base+uint64(i)) != i {
			t.Errorf("indexOfMID(%#x) = %d", base+uint64(i), v.indexOfMID(base+uint64(i)))
		}
	}
	if v.indexOfMID(7<<44) != 4 || v.indexOfMID(base+4) != -1 {
		t.Error("indexOfMID across runs")
	}
	v.remove(0)
	if uid, mid := v.at(0); uid != 11 || mid != base+1 {
		t.Errorf("after removing the first: at(0) = %d, %#x", uid, mid)
	}
}

// TestViewCompact: a view built message by message holds no more room
// than it needs once compacted, and stays the same view.
func TestViewCompact(t *testing.T) {
	var v view
	for i := uint32(1); i <= 1000; i++ {
		v.add(2*i, uint64(3*i)) // a run per message
	}
	if cap(v.runs) == len(v.runs) {
		t.Skip("append left no room to give back")
	}
	v.compact()
	if cap(v.runs) != len(v.runs) || v.Len() != 1000 {
		t.Fatalf("compacted: len %d cap %d, Len %d", len(v.runs), cap(v.runs), v.Len())
	}
	for i := 0; i < 1000; i++ {
		if uid, mid := v.at(i); uid != uint32(2*(i+1)) || mid != uint64(3*(i+1)) {
			t.Fatalf("at(%d) = %d, %d", i, uid, mid)
		}
	}
	v.add(3000, 9000)
	if v.Len() != 1001 {
		t.Fatalf("Len %d after an add", v.Len())
	}
}
