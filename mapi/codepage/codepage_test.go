package codepage

import "testing"

func TestDecode(t *testing.T) {
	for _, c := range []struct {
		in   string
		cp   uint32
		want string
	}{
		{"K\xf6ln", 1252, "Köln"},
		{"\xcf\xf0\xe8\xe2\xe5\xf2", 1251, "Привет"},
		{"\x82\xa0", 932, "あ"},
		{"Köln", UTF8, "Köln"},     // UTF-8 kept
		{"K\xf6ln", 12345, "Köln"}, // unknown code page: Windows-1252
		{"K\xf6ln", UTF8, "Köln"},  // not UTF-8 after all: Windows-1252
		{"\x81", UTF8, "\uFFFD"},   // not even that
		{"caf\xe9", 28591, "café"}, // ISO 8859-1
		{"\xe1\xe2", 20866, "АБ"},  // KOI8-R
	} {
		if got := Decode([]byte(c.in), c.cp); got != c.want {
			t.Errorf("Decode(%q, %d) = %q, want %q", c.in, c.cp, got, c.want)
		}
	}
	if Encoding(UTF8) != nil || Encoding(1200) != nil || Encoding(1252) == nil {
		t.Error("Encoding: UTF-8 and UTF-16 have no 8-bit encoding, 1252 has one")
	}
}
