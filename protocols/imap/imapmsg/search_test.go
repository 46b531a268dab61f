package imapmsg

import "testing"

const searchMsg = `From: =?iso-8859-1?q?J=F6rg?= <joerg@example.org>
To: Straße <s@example.org>
Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?= and raw Überschrift
Content-Type: multipart/mixed; boundary=b

--b
Content-Type: text/plain; charset=windows-1252
Content-Transfer-Encoding: base64

k1NtYXJ0lCBxdW90ZXMgYW5kIHRoZSCAIHNpZ24=
--b
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: quoted-printable

<p>Kelvin=20=E2=84=AA</p>
--b
Content-Type: application/octet-stream
Content-Disposition: attachment; filename*=utf-8''%E2%82%AC-Bericht.pdf

attachment-only-word
--b
Content-Type: message/rfc822

Subject: inner-subject-word

inner body word
--b--
`

func TestSearch(t *testing.T) {
	m := Parse(crlf(searchMsg))
	tests := []struct {
		name  string
		check func(string) bool
		arg   string
		want  bool
	}{
		{"no full case folding: ß is not ss", func(s string) bool { return m.HeaderContains("subject", s) }, "grüsse", false},
		// Simple case folding: ß folds to ẞ (U+1E9E), not to "ss".
		{"subject simple folding of ß", func(s string) bool { return m.HeaderContains("Subject", s) }, "GRÜẞE", true},
		{"subject raw 8-bit", func(s string) bool { return m.HeaderContains("SUBJECT", s) }, "überschrift", true},
		{"from decoded from ISO-8859-1", func(s string) bool { return m.HeaderContains("From", s) }, "jöRG", true},
		{"from address", func(s string) bool { return m.HeaderContains("From", s) }, "JOERG@EXAMPLE", true},
		{"to", func(s string) bool { return m.HeaderContains("To", s) }, "strasse", false},
		{"empty string: field present", func(s string) bool { return m.HeaderContains("to", s) }, "", true},
		{"empty string: field absent", func(s string) bool { return m.HeaderContains("Cc", s) }, "", false},
		{"not in another field", func(s string) bool { return m.HeaderContains("To", s) }, "jörg", false},
		{"body windows-1252 base64", m.BodyContains, "“SMART” QUOTES and the € sign", true},
		// U+212A KELVIN SIGN folds with k and K.
		{"body html qp, Kelvin sign", m.BodyContains, "kelvin k", true},
		{"body skips non-text parts", m.BodyContains, "attachment-only-word", false},
		{"body of an encapsulated message", m.BodyContains, "INNER BODY", true},
		{"body includes the encapsulated header", m.BodyContains, "inner-subject-word", true},
		{"body is not the top-level header", m.BodyContains, "Überschrift", false},
		{"text: header", m.TextContains, "ÜBERSCHRIFT", true},
		{"text: body", m.TextContains, "the € SIGN", true},
		{"text: field name", m.TextContains, "content-type: multipart", true},
		{"text: absent", m.TextContains, "nowhere", false},
		// RFC 9051 6.4.4: TEXT includes the MIME header fields of the parts.
		{"text: a part's MIME header", m.TextContains, "Bericht.PDF", true},
		{"text: a part's field name", m.TextContains, "content-disposition: ATTACHMENT", true},
		{"text: a part's transfer encoding", m.TextContains, "quoted-printable", true},
		{"text: encapsulated header", m.TextContains, "inner-subject-word", true},
		{"text skips non-text bodies", m.TextContains, "attachment-only-word", false},
		{"body is not a part's MIME header", m.BodyContains, "Bericht.pdf", false},
		{"body empty", m.BodyContains, "", true},
	}
	for _, tc := range tests {
		if got := tc.check(tc.arg); got != tc.want {
			t.Errorf("%s: %q gives %v, want %v", tc.name, tc.arg, got, tc.want)
		}
	}
}

func TestSearchCharsets(t *testing.T) {
	tests := []struct {
		name, msg, substr string
	}{
		{"iso-8859-1 8bit", "Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: 8bit\n\nR\xfcckmeldung\n", "RÜCKMELDUNG"},
		{"koi8-r", "Content-Type: text/plain; charset=koi8-r\n\n\xd4\xc5\xd3\xd4\n", "ТЕСТ"},
		{"iso-2022-jp", "Content-Type: text/plain; charset=ISO-2022-JP\n\n\x1b$B5D;vO?\x1b(B\n", "事録"},
		{"unknown charset is searched as it is", "Content-Type: text/plain; charset=x-unknown\n\nplain words\n", "PLAIN"},
		{"default text/plain", "Subject: x\n\nno content type\n", "CONTENT"},
	}
	for _, tc := range tests {
		m := Parse(crlf(tc.msg))
		if !m.BodyContains(tc.substr) {
			t.Errorf("%s: BodyContains(%q) false", tc.name, tc.substr)
		}
		if m.BodyContains(tc.substr + "zzz") {
			t.Errorf("%s: BodyContains(%q+zzz) true", tc.name, tc.substr)
		}
	}
}

func TestFoldRune(t *testing.T) {
	for _, p := range [][2]rune{{'a', 'A'}, {'k', 'K'}, {'k', '\u212a'}, {'s', 'ſ'}, {'ß', 'ẞ'}, {'σ', 'ς'}, {'Σ', 'σ'}} {
		if foldRune(p[0]) != foldRune(p[1]) {
			t.Errorf("%q and %q fold differently", p[0], p[1])
		}
	}
	if foldRune('a') == foldRune('b') || foldRune('ß') == foldRune('s') {
		t.Error("distinct runes fold together")
	}
}
