package mapi

import (
	"errors"
	"testing"
)

func TestStoreString(t *testing.T) {
	tests := []struct {
		n    PropName
		want string
	}{
		{NameByLID(PSETIDMeeting, 3), "GUID=6ed8da90-450b-101b-98da-00aa003f1305,LID=3"},
		{NameByLID(PSETIDAddress, 32773), "GUID=00062004-0000-0000-c000-000000000046,LID=32773"},
		{NameByString(PSPublicStrings, "Keywords"), "GUID=00020329-0000-0000-c000-000000000046,NAME=Keywords"},
		{NameByString(PSInternetHeaders, "X-Mailer"), "GUID=00020386-0000-0000-c000-000000000046,NAME=X-Mailer"},
		{NameByString(PSETIDAttachment, "AttachmentMacInfo"), "GUID=96357f7f-59e1-47d0-99a7-46515c183b54,NAME=AttachmentMacInfo"},
	}
	for _, tc := range tests {
		if got := tc.n.StoreString(); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
		back, err := ParseStoreName(tc.want)
		if err != nil || back != tc.n {
			t.Errorf("ParseStoreName(%q) = %v, %v", tc.want, back, err)
		}
	}
}

func TestParseStoreName(t *testing.T) {
	good := []struct {
		in   string
		want PropName
	}{
		{"guid=6ED8DA90-450B-101B-98DA-00AA003F1305,lid=1", NameByLID(PSETIDMeeting, 1)},
		{"GUID={6ed8da90-450b-101b-98da-00aa003f1305},LID=0x10", NameByLID(PSETIDMeeting, 16)},
		{"GUID=6ed8da90450b101b98da00aa003f1305,LID=4294967295", NameByLID(PSETIDMeeting, 0xffffffff)},
		{"GUID=00020329-0000-0000-c000-000000000046,Name=  padded name \t", NameByString(PSPublicStrings, "padded name")},
		{"GUID=00020329-0000-0000-c000-000000000046,NAME=a,b=c", NameByString(PSPublicStrings, "a,b=c")},
	}
	for _, tc := range good {
		got, err := ParseStoreName(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseStoreName(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	bad := []string{
		"", "GUID=", "LID=1", "GUID=6ed8da90-450b-101b-98da-00aa003f1305",
		"GUID=6ed8da90-450b-101b-98da-00aa003f130,LID=1",
		"GUID=6ed8da90-450b-101b-98da-00aa003f1305,LID=0",
		"GUID=6ed8da90-450b-101b-98da-00aa003f1305,LID=-1",
		"GUID=6ed8da90-450b-101b-98da-00aa003f1305,LID=4294967296",
		"GUID=6ed8da90-450b-101b-98da-00aa003f1305,LID=1x",
		"GUID=6ed8da90-450b-101b-98da-00aa003f1305,NAME=   ",
		"GUID=6ed8da90-450b-101b-98da-00aa003f1305,ID=1",
		"GUID=zzd8da90-450b-101b-98da-00aa003f1305,LID=1",
	}
	for _, s := range bad {
		if n, err := ParseStoreName(s); !errors.Is(err, ErrBadStoreName) {
			t.Errorf("ParseStoreName(%q) = %v, %v; want ErrBadStoreName", s, n, err)
		}
	}
}

func TestPropertySetGUIDWireBytes(t *testing.T) {
	// MS-OXCDATA 2.5.1: GUIDs travel with Data1..3 little-endian.
	want := [16]byte{0x08, 0x20, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46}
	if PSETIDCommon != GUID(want) {
		t.Fatalf("PSETID_Common is %x", PSETIDCommon[:])
	}
}
