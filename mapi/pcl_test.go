package mapi_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/gromox-go/gromox/mapi"
)

func TestXID(t *testing.T) {
	x := mapi.NewXID(mapi.PrivateStoreGUID(3), 0x3e)
	want := idHex(t, "03000000a5187b6fbcdcea1ed03c5657 00000000003e")
	if !bytes.Equal(x.Bytes(), want) || x.Size() != mapi.ChangeKeySize {
		t.Fatalf("change key %x", x.Bytes())
	}
	if !bytes.Equal(mapi.ChangeKey(mapi.PrivateStoreGUID(3), 0x3e), want) {
		t.Fatal("ChangeKey differs from NewXID")
	}
	if s := x.String(); s != "00000003-18a5-6f7b-bcdc-ea1ed03c5657:00000000003e" {
		t.Fatalf("String %q", s)
	}
	back, err := mapi.ParseXID(want)
	if err != nil || back != x {
		t.Fatalf("parse %+v %v", back, err)
	}
	// Other local id sizes keep their size.
	for n := 1; n <= 8; n++ {
		b := append(bytes.Repeat([]byte{0xaa}, 16), bytes.Repeat([]byte{0x01}, n)...)
		x, err := mapi.ParseXID(b)
		if err != nil || int(x.LocalIDLen) != n || !bytes.Equal(x.Bytes(), b) {
			t.Errorf("size %d: %+v %v", n, x, err)
		}
	}
	for _, n := range []int{0, 16, 25} {
		if _, err := mapi.ParseXID(make([]byte, n)); err == nil {
			t.Errorf("accepted %d bytes", n)
		}
	}
}

// pclGUID returns a GUID whose first wire byte is b, for ordering tests.
func pclGUID(b byte) mapi.GUID { return mapi.GUID{b, 0x11, 0x22} }

func TestPCLOrderAndBytes(t *testing.T) {
	var p mapi.PCL
	for _, x := range []mapi.XID{
		mapi.NewXID(pclGUID(0x30), 5),
		mapi.NewXID(pclGUID(0x10), 7),
		mapi.NewXID(pclGUID(0x20), 1),
		mapi.NewXID(pclGUID(0x10), 3), // older than 7: ignored
		mapi.NewXID(pclGUID(0x20), 9), // newer than 1: kept
	} {
		if err := p.Append(x); err != nil {
			t.Fatal(err)
		}
	}
	// Ascending GUID bytes, as upstream's PCL::append inserts.
	want := idHex(t, ""+
		"16 10112200000000000000000000000000 000000000007"+
		"16 20112200000000000000000000000000 000000000009"+
		"16 30112200000000000000000000000000 000000000005")
	if got := p.Bytes(); !bytes.Equal(got, want) {
		t.Fatalf("bytes\n got %x\nwant %x", got, want)
	}
	// Unsorted input with a repeated GUID decodes to the same list.
	shuffled := idHex(t, ""+
		"16 30112200000000000000000000000000 000000000005"+
		"16 20112200000000000000000000000000 000000000001"+
		"16 10112200000000000000000000000000 000000000007"+
		"16 20112200000000000000000000000000 000000000009")
	q, err := mapi.ParsePCL(shuffled)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(q.Bytes(), want) || q.Len() != 3 {
		t.Fatalf("re-encoded %x", q.Bytes())
	}
	if x, ok := q.Get(pclGUID(0x20)); !ok || x.LocalID != 9 {
		t.Fatalf("Get %+v %v", x, ok)
	}
	q.Remove(pclGUID(0x20))
	if _, ok := q.Get(pclGUID(0x20)); ok || q.Len() != 2 {
		t.Fatal("Remove left the XID")
	}
	q.Replace(mapi.NewXID(pclGUID(0x10), 2))
	if x, _ := q.Get(pclGUID(0x10)); x.LocalID != 2 {
		t.Fatalf("Replace kept %d", x.LocalID)
	}
	if p, err := mapi.ParsePCL(nil); err != nil || p.Len() != 0 || len(p.Bytes()) != 0 {
		t.Fatalf("empty PCL: %v %v", p, err)
	}
}

func TestPCLErrors(t *testing.T) {
	for _, b := range []string{
		"10 00000000000000000000000000000000",                        // size 16
		"19 00000000000000000000000000000000" + "000000000000000000", // size 25
		"16 000000000000000000000000000000",                          // truncated
		"16 00000000000000000000000000000000 0000000000",
	} {
		if _, err := mapi.ParsePCL(idHex(t, b)); err == nil {
			t.Errorf("accepted %s", b)
		}
	}
	// One GUID, two sizes: upstream refuses to merge them.
	mixed := idHex(t, "16 01000000000000000000000000000000 000000000001 15 01000000000000000000000000000000 0000000002")
	if _, err := mapi.ParsePCL(mixed); !errors.Is(err, mapi.ErrXIDSizeMismatch) {
		t.Fatalf("mixed sizes: %v", err)
	}
}

func TestComparePCL(t *testing.T) {
	pcl := func(xs ...mapi.XID) mapi.PCL {
		var p mapi.PCL
		for _, x := range xs {
			if err := p.Append(x); err != nil {
				t.Fatal(err)
			}
		}
		return p
	}
	a, b := pclGUID(1), pclGUID(2)
	cases := []struct {
		name string
		x, y mapi.PCL
		want mapi.PCLOrder
	}{
		{"both empty", pcl(), pcl(), mapi.PCLEqual},
		{"same", pcl(mapi.NewXID(a, 5)), pcl(mapi.NewXID(a, 5)), mapi.PCLEqual},
		{"higher counter", pcl(mapi.NewXID(a, 6)), pcl(mapi.NewXID(a, 5)), mapi.PCLANewer},
		{"lower counter", pcl(mapi.NewXID(a, 4)), pcl(mapi.NewXID(a, 5)), mapi.PCLBNewer},
		{"extra replica", pcl(mapi.NewXID(a, 5), mapi.NewXID(b, 1)), pcl(mapi.NewXID(a, 5)), mapi.PCLANewer},
		{"empty is older", pcl(), pcl(mapi.NewXID(a, 1)), mapi.PCLBNewer},
		{"disjoint replicas", pcl(mapi.NewXID(a, 5)), pcl(mapi.NewXID(b, 5)), mapi.PCLConflict},
		{"crossed counters", pcl(mapi.NewXID(a, 6), mapi.NewXID(b, 1)), pcl(mapi.NewXID(a, 5), mapi.NewXID(b, 2)), mapi.PCLConflict},
		{"size mismatch", pcl(mapi.XID{GUID: a, LocalID: 5, LocalIDLen: 8}), pcl(mapi.NewXID(a, 5)), mapi.PCLConflict},
	}
	for _, c := range cases {
		if got := mapi.ComparePCL(c.x, c.y); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	// Merging conflicting versions gives a PCL newer than both
	// (MS-OXCFXICS 3.1.5.6.2.1).
	x, y := cases[7].x, cases[7].y
	m := x
	if err := m.Merge(y); err != nil {
		t.Fatal(err)
	}
	if mapi.ComparePCL(m, x) != mapi.PCLANewer || mapi.ComparePCL(m, y) != mapi.PCLANewer {
		t.Fatalf("merge %x not newer than both", m.Bytes())
	}
	if got, ok := m.Get(a); !ok || got.LocalID != 6 {
		t.Fatalf("merge kept %+v", got)
	}
	bad := pcl(mapi.XID{GUID: a, LocalID: 1, LocalIDLen: 8})
	before := m.Bytes()
	if err := m.Merge(bad); !errors.Is(err, mapi.ErrXIDSizeMismatch) || !bytes.Equal(m.Bytes(), before) {
		t.Fatalf("failed merge: %v, changed %v", err, !bytes.Equal(m.Bytes(), before))
	}
}

// TestFixtureChangeKeys reads every PR_CHANGE_KEY and
// PR_PREDECESSOR_CHANGE_LIST upstream wrote and checks that they decode,
// re-encode to the same bytes and use the GUID and change numbers upstream
// uses.
func TestFixtureChangeKeys(t *testing.T) {
	const (
		tagChangeKey = 0x65E20102
		tagPCL       = 0x65E30102
	)
	for _, c := range []struct {
		store string
		guid  mapi.GUID
		objs  []string // table prefixes
	}{
		// Private store: the owner's store GUID.
		{"fixture-store", mapi.PrivateStoreGUID(idFixtureUserID), []string{"folder", "message"}},
		// Public store: mkpublic (tools/mkshared.cpp add_changenum with
		// CN_USER) builds the change keys of the built-in folders with the
		// *private* GUID template and the domain id; objects made later
		// get PublicStoreGUID(domain id).
		{"public-store", mapi.PrivateStoreGUID(idFixtureDomain), []string{"folder"}},
	} {
		t.Run(c.store, func(t *testing.T) {
			db := idFixtureDB(t, c.store)
			n := 0
			for _, obj := range c.objs {
				rows, err := db.Query(`SELECT o.`+obj+`_id, o.change_number, ck.propval, pcl.propval
					FROM `+obj+`s o
					JOIN `+obj+`_properties ck ON ck.`+obj+`_id = o.`+obj+`_id AND ck.proptag = ?
					JOIN `+obj+`_properties pcl ON pcl.`+obj+`_id = o.`+obj+`_id AND pcl.proptag = ?`,
					tagChangeKey, tagPCL)
				if err != nil {
					t.Fatal(err)
				}
				for rows.Next() {
					var id, cn uint64
					var ckb, pclb []byte
					if err := rows.Scan(&id, &cn, &ckb, &pclb); err != nil {
						t.Fatal(err)
					}
					n++
					ck, err := mapi.ParseXID(ckb)
					if err != nil {
						t.Fatalf("%s %d: change key %x: %v", obj, id, ckb, err)
					}
					if !bytes.Equal(ck.Bytes(), ckb) {
						t.Errorf("%s %d: change key re-encodes to %x", obj, id, ck.Bytes())
					}
					if want := mapi.NewXID(c.guid, cn); ck != want {
						t.Errorf("%s %d: change key %v, want %v (change_number %d)", obj, id, ck, want, cn)
					}
					p, err := mapi.ParsePCL(pclb)
					if err != nil {
						t.Fatalf("%s %d: PCL %x: %v", obj, id, pclb, err)
					}
					if !bytes.Equal(p.Bytes(), pclb) {
						t.Errorf("%s %d: PCL %x re-encodes to %x", obj, id, pclb, p.Bytes())
					}
					if !p.Includes(ck) {
						t.Errorf("%s %d: PCL %x lacks its change key", obj, id, pclb)
					}
				}
				if err := rows.Err(); err != nil {
					t.Fatal(err)
				}
				rows.Close()
			}
			if n == 0 {
				t.Fatal("no change keys in the fixture")
			}
			t.Logf("%d objects checked", n)

			// configurations MAILBOX_GUID (id 1) is the store record key,
			// Host36 text; it is not the change key GUID.
			var text string
			if err := db.QueryRow(`SELECT config_value FROM configurations WHERE config_id = 1`).Scan(&text); err != nil {
				t.Fatal(err)
			}
			g, err := mapi.ParseGUID(text)
			if err != nil {
				t.Fatal(err)
			}
			if g.String() != text {
				t.Errorf("MAILBOX_GUID %q re-formats as %q", text, g)
			}
			if g == c.guid {
				t.Error("MAILBOX_GUID equals the change key GUID")
			}
		})
	}
}

func FuzzDecodePCL(f *testing.F) {
	f.Add([]byte{})
	f.Add(idHex(f, "16 03000000a5187b6fbcdcea1ed03c5657 00000000003e"))
	f.Add(idHex(f, "16 30112200000000000000000000000000 000000000005 11 20112200000000000000000000000000 09"))
	f.Add(idHex(f, "18 10112200000000000000000000000000 0102030405060708"))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := mapi.ParsePCL(b)
		if err != nil {
			return
		}
		enc := p.Bytes()
		q, err := mapi.ParsePCL(enc)
		if err != nil {
			t.Fatalf("re-decode of %x: %v", enc, err)
		}
		if !bytes.Equal(q.Bytes(), enc) || mapi.ComparePCL(p, q) != mapi.PCLEqual {
			t.Fatalf("round trip %x -> %x -> %x", b, enc, q.Bytes())
		}
		if len(enc) > len(b) {
			t.Fatalf("encoding %x longer than input %x", enc, b)
		}
	})
}
