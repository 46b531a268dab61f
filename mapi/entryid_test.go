package mapi_test

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/gromox-go/gromox/mapi"
)

// The store record key (configurations MAILBOX_GUID) of the fixture store.
var eidFixtureMailboxGUID = mapi.MustGUID("559b5f17-0e8c-43f0-8578-c94f98514307")

func TestFolderEntryID(t *testing.T) {
	f := mapi.PrivateFolderEntryID(eidFixtureMailboxGUID, idFixtureUserID, mapi.PrivateFIDInbox)
	want := idHex(t, "00000000"+
		"175f9b558c0ef0438578c94f98514307"+ // provider: the store record key
		"0100"+ // eitLTPrivateFolder
		"03000000a5187b6fbcdcea1ed03c5657"+ // database GUID: the store GUID
		"00000000000d"+ // GLOBCNT (bytes 38..43, where the fixture manifest reads folder ids)
		"0000")
	if got := f.Bytes(); !bytes.Equal(got, want) {
		t.Fatalf("encoded\n got %x\nwant %x", got, want)
	}
	back, err := mapi.ParseFolderEntryID(want)
	if err != nil || back != f || back.GCV() != mapi.PrivateFIDInbox || !back.Type.IsFolder() {
		t.Fatalf("parse %+v %v", back, err)
	}
	if back.LongTermID() != mapi.NewLongTermID(mapi.PrivateStoreGUID(3), 0x0d) {
		t.Fatalf("long-term id %+v", back.LongTermID())
	}
	p := mapi.PublicFolderEntryID(1, mapi.PublicFIDIPMSubtree)
	wantPub := idHex(t, "00000000 1a447390aa6611cd9bc800aa002fc45a 0300 01000000fb0af67d919249886aa738ce 000000000002 0000")
	if got := p.Bytes(); !bytes.Equal(got, wantPub) {
		t.Fatalf("public\n got %x\nwant %x", got, wantPub)
	}
	// Pads are ignored when reading, as upstream does.
	padded := append([]byte(nil), want...)
	padded[44], padded[45] = 1, 2
	if back, err := mapi.ParseFolderEntryID(padded); err != nil || back != f {
		t.Fatalf("padded: %v", err)
	}
	for _, n := range []int{0, 45, 47, 70} {
		if _, err := mapi.ParseFolderEntryID(make([]byte, n)); err == nil {
			t.Errorf("accepted %d bytes", n)
		}
	}
}

func TestMessageEntryID(t *testing.T) {
	m := mapi.PrivateMessageEntryID(eidFixtureMailboxGUID, idFixtureUserID, 0x210000, 0x210001)
	want := idHex(t, "00000000 175f9b558c0ef0438578c94f98514307 0700"+
		"03000000a5187b6fbcdcea1ed03c5657 000000210000 0000"+
		"03000000a5187b6fbcdcea1ed03c5657 000000210001 0000")
	if got := m.Bytes(); !bytes.Equal(got, want) {
		t.Fatalf("encoded\n got %x\nwant %x", got, want)
	}
	back, err := mapi.ParseMessageEntryID(want)
	if err != nil || back != m || back.FolderGCV() != 0x210000 || back.MessageGCV() != 0x210001 || !back.Type.IsMessage() {
		t.Fatalf("parse %+v %v", back, err)
	}
	p := mapi.PublicMessageEntryID(1, 0x05, 0x10001)
	if p.Type != mapi.EITLTPublicMessage || p.ProviderUID != mapi.LongTermNonPrivateGUID || p.MessageDatabaseGUID != mapi.PublicStoreGUID(1) {
		t.Fatalf("public %+v", p)
	}
	if _, err := mapi.ParseMessageEntryID(want[:69]); err == nil {
		t.Fatal("accepted 69 bytes")
	}
}

// eidStoreHeader is the fixed part of an EMSMDB store entry id up to the
// wrapped type.
func eidStoreHeader(t *testing.T, wrappedUID, wrappedType string) []byte {
	return idHex(t, "00000000 38a1bb1005e5101aa1bb08002b2a56c2 00 00"+
		"656d736d64622e646c6c 00000000"+ // "emsmdb.dll", as upstream writes it
		"00000000"+wrappedUID+wrappedType)
}

func TestStoreEntryID(t *testing.T) {
	dn := mapi.ESSDN(idFixtureOrgName, "fixture@example.org", idFixtureDomain, idFixtureUserID)
	s := mapi.NewPrivateStoreEntryID("fixture@example.org", dn)
	want := eidStoreHeader(t, "1b55fa20aa6611cd9bc800aa002fc45a", "0c000000")
	want = append(want, "fixture@example.org\x00"+dn+"\x00"...)
	got, err := s.MarshalBinary()
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("encoded\n got %x\nwant %x (%v)", got, want, err)
	}
	back, err := mapi.ParseStoreEntryID(want)
	if err != nil || !reflect.DeepEqual(back, s) || back.IsPublic() {
		t.Fatalf("parse %+v %v", back, err)
	}

	// A public store entry id without MailboxDN, as MS-OXCDATA has it.
	pub := mapi.NewPublicStoreEntryID("example.org", "")
	wantPub := append(eidStoreHeader(t, "1c830210aa6611cd9bc800aa002fc45a", "06000000"), "example.org\x00"...)
	if got, _ := pub.MarshalBinary(); !bytes.Equal(got, wantPub) {
		t.Fatalf("public\n got %x\nwant %x", got, wantPub)
	}
	if back, err := mapi.ParseStoreEntryID(wantPub); err != nil || !reflect.DeepEqual(back, pub) || !back.IsPublic() {
		t.Fatalf("public parse %+v %v", back, err)
	}

	// Outlook's v2/v3 trailer is kept; the DLL name matches in any case.
	v3 := append(append([]byte(nil), want...), 0xe9, 0x46, 0x32, 0xf4, 1, 2, 3)
	copy(v3[22:], "EMSMDB.DLL")
	back, err = mapi.ParseStoreEntryID(v3)
	if err != nil || !bytes.Equal(back.Tail, []byte{0xe9, 0x46, 0x32, 0xf4, 1, 2, 3}) || back.MailboxDN != dn {
		t.Fatalf("v3 parse %+v %v", back, err)
	}

	mspst := append([]byte(nil), want...)
	copy(mspst[22:], "mspst.dll\x00")
	for name, b := range map[string][]byte{
		"mspst":         mspst,
		"version 1":     append(append([]byte(nil), want[:20]...), append([]byte{1}, want[21:]...)...),
		"no server NUL": append(eidStoreHeader(t, "1b55fa20aa6611cd9bc800aa002fc45a", "0c000000"), "server"...),
		"no DN NUL":     append(eidStoreHeader(t, "1b55fa20aa6611cd9bc800aa002fc45a", "0c000000"), "server\x00dn"...),
		"short":         want[:59],
	} {
		if _, err := mapi.ParseStoreEntryID(b); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := mapi.NewPrivateStoreEntryID("a\x00b", dn).MarshalBinary(); err == nil {
		t.Error("NUL in server name accepted")
	}
}

func TestAddressBookEntryID(t *testing.T) {
	dn := "/o=Gromox default/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=0100000003000000-fixture"
	a := mapi.AddressBookEntryID{Type: 0, X500DN: dn}
	want := append(idHex(t, "00000000 dca740c8c042101ab4b908002b2fe182 01000000 00000000"), dn+"\x00"...)
	got, err := a.MarshalBinary()
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("encoded %x %v", got, err)
	}
	if back, err := mapi.ParseAddressBookEntryID(want); err != nil || back != a {
		t.Fatalf("parse %+v %v", back, err)
	}
	badVersion := append([]byte(nil), want...)
	badVersion[20] = 2
	for name, b := range map[string][]byte{"version 2": badVersion, "no NUL": want[:len(want)-1], "short": want[:28]} {
		if _, err := mapi.ParseAddressBookEntryID(b); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestOneOffEntryID(t *testing.T) {
	// Unicode, as upstream writes PR_SENDER_ENTRYID of delivered mail.
	o := mapi.OneOffEntryID{Format: mapi.OneOffUnicode | mapi.OneOffNoRichInfo,
		DisplayName: "Bob Ünïcødé 😀", AddressType: "SMTP", Address: "bob@inner.example"}
	got, err := o.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	wantHead := idHex(t, "00000000 812b1fa4bea310199d6e00dd010f5402 0000 0180 4200 6f00 6200 2000 dc00")
	if !bytes.HasPrefix(got, wantHead) || !bytes.Contains(got, idHex(t, "3dd8 00de 0000 5300 4d00 5400 5000 0000")) {
		t.Fatalf("encoded %x", got)
	}
	if back, err := mapi.ParseOneOffEntryID(got); err != nil || back != o {
		t.Fatalf("parse %+v %v", back, err)
	}
	// 8-bit strings are kept as bytes.
	o8 := mapi.OneOffEntryID{DisplayName: "B\xf6b", AddressType: "SMTP", Address: "b@x"}
	want8 := append(idHex(t, "00000000 812b1fa4bea310199d6e00dd010f5402 0000 0000"), "B\xf6b\x00SMTP\x00b@x\x00"...)
	if got, _ := o8.MarshalBinary(); !bytes.Equal(got, want8) {
		t.Fatalf("8-bit encoded %x", got)
	}
	if back, err := mapi.ParseOneOffEntryID(want8); err != nil || back != o8 {
		t.Fatalf("8-bit parse %+v %v", back, err)
	}
	for name, b := range map[string][]byte{
		"missing address": want8[:len(want8)-4],
		"odd unicode":     got[:len(got)-1],
		"short":           want8[:23],
	} {
		if _, err := mapi.ParseOneOffEntryID(b); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := (mapi.OneOffEntryID{Address: "a\x00b"}).MarshalBinary(); err == nil {
		t.Error("NUL accepted")
	}
}

func TestParseEntryID(t *testing.T) {
	dn := mapi.ESSDN("o", "u@d", 1, 2)
	store, _ := mapi.NewPrivateStoreEntryID("u@d", dn).MarshalBinary()
	ab, _ := mapi.AddressBookEntryID{X500DN: dn}.MarshalBinary()
	oo, _ := mapi.OneOffEntryID{AddressType: "SMTP", Address: "u@d"}.MarshalBinary()
	cases := []struct {
		b    []byte
		want any
	}{
		{mapi.PrivateFolderEntryID(eidFixtureMailboxGUID, 3, 0x0d).Bytes(), mapi.FolderEntryID{}},
		{mapi.PrivateMessageEntryID(eidFixtureMailboxGUID, 3, 0x0d, 0x10001).Bytes(), mapi.MessageEntryID{}},
		{store, mapi.StoreEntryID{}},
		{ab, mapi.AddressBookEntryID{}},
		{oo, mapi.OneOffEntryID{}},
	}
	for _, c := range cases {
		e, err := mapi.ParseEntryID(c.b)
		if err != nil || reflect.TypeOf(e) != reflect.TypeOf(c.want) {
			t.Errorf("%x: %T %v", c.b[:24], e, err)
			continue
		}
		again, err := e.MarshalBinary()
		if err != nil || !bytes.Equal(again, c.b) {
			t.Errorf("%T: re-encoded %x", e, again)
		}
	}
	for _, n := range []int{0, 19, 20, 45, 71} {
		if _, err := mapi.ParseEntryID(make([]byte, n)); err == nil {
			t.Errorf("accepted %d zero bytes", n)
		}
	}
}

// TestFixtureEntryIDs decodes every address book and one-off entry id
// upstream stored (PR_SENDER_ENTRYID, PR_RECEIVED_BY_ENTRYID, recipients'
// PR_ENTRYID, ...) and checks that they re-encode byte for byte.
func TestFixtureEntryIDs(t *testing.T) {
	db := idFixtureDB(t, "fixture-store")
	counts := map[string]int{}
	for _, table := range []string{"message_properties", "recipients_properties"} {
		rows, err := db.Query(`SELECT proptag, propval FROM ` + table + ` WHERE (proptag & 0xffff) = 0x0102 AND length(propval) >= 20`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var tag uint32
			var b []byte
			if err := rows.Scan(&tag, &b); err != nil {
				t.Fatal(err)
			}
			uid := mapi.GUID(b[4:20])
			if uid != mapi.AddressBookProviderUID && uid != mapi.OneOffProviderUID {
				continue
			}
			e, err := mapi.ParseEntryID(b)
			if err != nil {
				t.Fatalf("%s %#x: %x: %v", table, tag, b, err)
			}
			again, err := e.MarshalBinary()
			if err != nil || !bytes.Equal(again, b) {
				t.Errorf("%s %#x: %x re-encodes to %x", table, tag, b, again)
			}
			switch v := e.(type) {
			case mapi.AddressBookEntryID:
				counts["ab"]++
				p, err := mapi.ParseESSDN(idFixtureOrgName, v.X500DN)
				if err != nil || p.UserID != idFixtureUserID || p.DomainID != idFixtureDomain || !strings.EqualFold(p.LocalPart, "fixture") {
					t.Errorf("%s %#x: DN %q: %+v %v", table, tag, v.X500DN, p, err)
				}
			case mapi.OneOffEntryID:
				counts["oneoff"]++
				if !v.IsUnicode() || v.AddressType != "SMTP" || !strings.Contains(v.Address, "@") {
					t.Errorf("%s %#x: one-off %+v", table, tag, v)
				}
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
	if counts["ab"] == 0 || counts["oneoff"] == 0 {
		t.Fatalf("too few entry ids in the fixture: %v", counts)
	}
	t.Logf("checked %v", counts)
}

func FuzzDecodeEntryID(f *testing.F) {
	dn := mapi.ESSDN(idFixtureOrgName, "fixture@example.org", 1, 3)
	store, _ := mapi.NewPrivateStoreEntryID("fixture@example.org", dn).MarshalBinary()
	pub, _ := mapi.NewPublicStoreEntryID("example.org", "").MarshalBinary()
	ab, _ := mapi.AddressBookEntryID{X500DN: dn}.MarshalBinary()
	oo, _ := mapi.OneOffEntryID{Format: mapi.OneOffUnicode, DisplayName: "D", AddressType: "SMTP", Address: "a@b"}.MarshalBinary()
	oo8, _ := mapi.OneOffEntryID{DisplayName: "D", AddressType: "SMTP", Address: "a@b"}.MarshalBinary()
	for _, b := range [][]byte{
		mapi.PrivateFolderEntryID(eidFixtureMailboxGUID, 3, 0x0d).Bytes(),
		mapi.PublicMessageEntryID(1, 2, 0x10001).Bytes(),
		store, pub, append(store, 1, 2, 3), ab, oo, oo8,
	} {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := mapi.ParseEntryID(b)
		if err != nil {
			return
		}
		enc, err := e.MarshalBinary()
		if err != nil {
			t.Fatalf("%T from %x does not encode: %v", e, b, err)
		}
		back, err := mapi.ParseEntryID(enc)
		if err != nil {
			t.Fatalf("%T: re-decode of %x: %v", e, enc, err)
		}
		if !reflect.DeepEqual(back, e) {
			t.Fatalf("round trip\n %#v\n %#v", e, back)
		}
	})
}
