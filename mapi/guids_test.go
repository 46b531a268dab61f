package mapi_test

import (
	"bytes"
	"testing"

	"github.com/gromox-go/gromox/mapi"
)

func TestStoreGUIDs(t *testing.T) {
	g := mapi.PrivateStoreGUID(3)
	// The bytes upstream wrote into the fixture's change keys.
	if !bytes.Equal(g[:], idHex(t, "03000000a5187b6fbcdcea1ed03c5657")) {
		t.Fatalf("private store GUID %x", g[:])
	}
	if g.String() != "00000003-18a5-6f7b-bcdc-ea1ed03c5657" {
		t.Fatalf("text %s", g)
	}
	if id, ok := mapi.PrivateStoreUserID(g); !ok || id != 3 {
		t.Fatalf("user id %d %v", id, ok)
	}
	if _, ok := mapi.PublicStoreDomainID(g); ok {
		t.Fatal("private GUID taken as public")
	}
	p := mapi.PublicStoreGUID(0x01020304)
	if p.String() != "01020304-0afb-7df6-9192-49886aa738ce" {
		t.Fatalf("public store GUID %s", p)
	}
	if id, ok := mapi.PublicStoreDomainID(p); !ok || id != 0x01020304 {
		t.Fatalf("domain id %#x %v", id, ok)
	}
	if _, ok := mapi.PrivateStoreUserID(p); ok {
		t.Fatal("public GUID taken as private")
	}
	if _, ok := mapi.PrivateStoreUserID(mapi.ReplGUID2); ok {
		t.Fatal("foreign GUID taken as private")
	}
}

func TestFixedGUIDs(t *testing.T) {
	// Text forms as lib/guid2.cpp documents them beside the bytes.
	cases := []struct {
		g    mapi.GUID
		text string
		wire string
	}{
		{mapi.StoreWrapProviderUID, "10bba138-e505-1a10-a1bb-08002b2a56c2", "38a1bb1005e5101aa1bb08002b2a56c2"},
		{mapi.StorePrivateProviderUID, "20fa551b-66aa-cd11-9bc8-00aa002fc45a", "1b55fa20aa6611cd9bc800aa002fc45a"},
		{mapi.StorePublicProviderUID, "1002831c-66aa-cd11-9bc8-00aa002fc45a", "1c830210aa6611cd9bc800aa002fc45a"},
		{mapi.LongTermNonPrivateGUID, "9073441a-66aa-cd11-9bc8-00aa002fc45a", "1a447390aa6611cd9bc800aa002fc45a"},
		{mapi.ExchangeProviderPrimaryUserGUID, "c0a19454-7f29-1b10-a587-08002b2a2517", "5494a1c0297f101ba58708002b2a2517"},
		{mapi.ExchangeProviderPublicGUID, "70fab278-f7af-cd11-9bc8-00aa002fc45a", "78b2fa70aff711cd9bc800aa002fc45a"},
		{mapi.ExchangeProviderDelegateGUID, "0077b49e-e474-ce11-8c5e-00aa004254e2", "9eb4770074e411ce8c5e00aa004254e2"},
		{mapi.AddressBookProviderUID, "c840a7dc-42c0-1a10-b4b9-08002b2fe182", "dca740c8c042101ab4b908002b2fe182"},
		{mapi.OneOffProviderUID, "a41f2b81-a3be-1910-9d6e-00dd010f5402", "812b1fa4bea310199d6e00dd010f5402"},
		{mapi.ReplGUID2, "ed33cbe5-94e2-48b6-8bea-bba984896933", "e5cb33ede294b6488beabba984896933"},
		{mapi.ReplGUID3, "68349a54-323d-4a38-9aa9-e00a683131ba", "549a34683d32384a9aa9e00a683131ba"},
		{mapi.ReplGUID4, "bb0754de-7f26-4d08-932f-fe7a9d22f8bd", "de5407bb267f084d932ffe7a9d22f8bd"},
	}
	for _, c := range cases {
		if c.g.String() != c.text {
			t.Errorf("%x: text %s, want %s", c.g[:], c.g, c.text)
		}
		if !bytes.Equal(c.g[:], idHex(t, c.wire)) {
			t.Errorf("%s: wire %x, want %s", c.text, c.g[:], c.wire)
		}
	}
}

func TestWellKnownReplicas(t *testing.T) {
	store, mbox := mapi.PrivateStoreGUID(3), mapi.MustGUID("559b5f17-0e8c-43f0-8578-c94f98514307")
	for replid := uint16(0); replid < 8; replid++ {
		g, ok := mapi.WellKnownReplGUID(replid, store, mbox)
		if ok != (replid >= 1 && replid <= 5) {
			t.Errorf("replid %d: ok %v", replid, ok)
		}
		if !ok {
			continue
		}
		back, ok := mapi.WellKnownReplid(g, store, mbox)
		if !ok || back != replid {
			t.Errorf("replid %d -> %s -> %d %v", replid, g, back, ok)
		}
	}
	if g, _ := mapi.WellKnownReplGUID(mapi.ReplidLocal, store, mbox); g != store {
		t.Errorf("replid 1 is %s", g)
	}
	if g, _ := mapi.WellKnownReplGUID(mapi.ReplidMailbox, store, mbox); g != mbox {
		t.Errorf("replid 5 is %s", g)
	}
	if _, ok := mapi.WellKnownReplid(mapi.GUID{}, store, mbox); ok {
		t.Error("null GUID mapped")
	}
	if _, ok := mapi.WellKnownReplid(mapi.PrivateStoreGUID(4), store, mbox); ok {
		t.Error("another user's store GUID mapped")
	}
}

func TestMailboxID(t *testing.T) {
	// Expected values computed from cvt_username_to_mailboxid's steps
	// (12 username bytes, user id LE32, printed in byte order).
	cases := []struct {
		user string
		id   uint32
		want string
	}{
		{"user1@example.org", 1, "75736572-3140-6578-616d-706c01000000"},
		{"fixture@example.org", 3, "66697874-7572-6540-6578-616d03000000"},
		{"a@b", 0x01020304, "61406200-0000-0000-0000-000004030201"},
	}
	for _, c := range cases {
		if got := mapi.MailboxID(c.user, c.id).String(); got != c.want {
			t.Errorf("MailboxID(%q, %d) = %s, want %s", c.user, c.id, got, c.want)
		}
	}
	dn, err := mapi.ServerDN("Gromox default", "user1@example.org", 1)
	if err != nil || dn != "/o=Gromox default/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Configuration/cn=Servers/cn=75736572-3140-6578-616d-706c01000000@example.org" {
		t.Errorf("ServerDN %q %v", dn, err)
	}
	mdb, err := mapi.MDBDN("Gromox default", "user1@example.org", 1)
	if err != nil || mdb != dn+"/cn=Microsoft Private MDB" {
		t.Errorf("MDBDN %q %v", mdb, err)
	}
	if _, err := mapi.ServerDN("o", "nodomain", 1); err == nil {
		t.Error("ServerDN without domain accepted")
	}
}

func TestESSDN(t *testing.T) {
	// The DN upstream wrote into the fixture's address book entry ids.
	const fixtureDN = "/o=Gromox default/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=0100000003000000-fixture"
	if got := mapi.ESSDN(idFixtureOrgName, "fixture@example.org", idFixtureDomain, idFixtureUserID); got != fixtureDN {
		t.Fatalf("ESSDN %q", got)
	}
	p, err := mapi.ParseESSDN(idFixtureOrgName, fixtureDN)
	if err != nil || p != (mapi.ESSDNParts{DomainID: 1, UserID: 3, LocalPart: "fixture"}) {
		t.Fatalf("parse %+v %v", p, err)
	}
	// Upper-cased, as upstream stores it in PR_SENDER_EMAIL_ADDRESS.
	p, err = mapi.ParseESSDN(idFixtureOrgName, "/O=GROMOX DEFAULT/OU=EXCHANGE ADMINISTRATIVE GROUP (FYDIBOHF23SPDLT)/CN=RECIPIENTS/CN=0100000003000000-FIXTURE")
	if err != nil || p.DomainID != 1 || p.UserID != 3 || p.LocalPart != "FIXTURE" {
		t.Fatalf("parse upper-case %+v %v", p, err)
	}
	big := mapi.ESSDN("x", "u@d", 0x01020304, 0xa0b0c0d0)
	if !bytes.HasSuffix([]byte(big), []byte("/cn=04030201d0c0b0a0-u")) {
		t.Fatalf("byte-swapped ids: %q", big)
	}
	if p, err := mapi.ParseESSDN("x", big); err != nil || p.DomainID != 0x01020304 || p.UserID != 0xa0b0c0d0 {
		t.Fatalf("parse %q: %+v %v", big, p, err)
	}
	pub := mapi.PublicStoreESSDN(idFixtureOrgName, 1)
	if pub != "/o=Gromox default/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=0100000000000000-public.folder.root" {
		t.Fatalf("public ESSDN %q", pub)
	}
	if p, err := mapi.ParseESSDN(idFixtureOrgName, pub); err != nil || !p.IsPublicStore() || p.DomainID != 1 {
		t.Fatalf("public parse %+v %v", p, err)
	}
	if p, _ := mapi.ParseESSDN(idFixtureOrgName, fixtureDN); p.IsPublicStore() {
		t.Fatal("user DN taken as public store")
	}
	for _, bad := range []string{
		"",
		"/o=Other org/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=0100000003000000-fixture",
		"/o=Gromox default/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=0100000003000000",
		"/o=Gromox default/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=01000000030000000fixture",
		"/o=Gromox default/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=010000000300000g-fixture",
		"/o=Gromox default/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=+100000003000000-fixture",
	} {
		if _, err := mapi.ParseESSDN(idFixtureOrgName, bad); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}
