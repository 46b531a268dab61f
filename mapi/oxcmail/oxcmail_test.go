package oxcmail

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/gromox-go/gromox/mapi"
)

var fixedNow = time.Date(2026, 11, 29, 1, 0, 0, 0, time.UTC)

func mustImport(t *testing.T, raw string) *Message {
	t.Helper()
	m, err := Import([]byte(raw), ImportOptions{Now: func() time.Time { return fixedNow }})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestSplitSubject(t *testing.T) {
	for _, c := range []struct{ in, prefix, norm string }{
		{"Re: hello", "Re: ", "hello"},
		{"Fwd: Re: x", "Fwd: ", "Re: x"},
		{"AW: Antwort", "AW: ", "Antwort"},
		{"WG: x", "WG: ", "x"},
		{"R: x", "R: ", "x"},
		{"Fwd4: x", "", "Fwd4: x"}, // four characters: too long
		{"Fw4: x", "Fw4: ", "x"},
		{"1: x", "", "1: x"},     // digit first
		{"Re : x", "", "Re : x"}, // space in the prefix
		{": x", "", ": x"},
		{"Re:x", "", "Re:x"},
		{"no prefix here", "", "no prefix here"},
		{"回复: 你好", "回复: ", "你好"},
		{"URGENT: server", "", "URGENT: server"},
		{"", "", ""},
	} {
		p, n := splitSubject(c.in)
		if p != c.prefix || n != c.norm {
			t.Errorf("splitSubject(%q) = %q, %q; want %q, %q", c.in, p, n, c.prefix, c.norm)
		}
	}
}

func TestHeaders(t *testing.T) {
	m := mustImport(t, "From: =?ISO-8859-1?Q?J=F6rg_M=FCller?= <joerg@example.com>\r\n"+
		"To: a@example.com, \"B, Bee\" <b@example.com>\r\n"+
		"Cc: =?koi8-r?B?6dfBzg==?= <ivan@example.ru>\r\n"+
		"Bcc: hidden@example.com\r\n"+
		"Subject: =?iso-2022-jp?B?GyRCMnE1RBsoQg==?=\r\n"+
		"Date: Tue, 1 Aug 2023 10:00:00 +0200\r\n"+
		"Message-ID: <m1@example.com>\r\n"+
		"In-Reply-To: <m0@example.com>\r\n"+
		"References: <a@x> <m0@example.com>\r\n"+
		"Sensitivity: Company-Confidential\r\n"+
		"Priority: non-urgent\r\n"+
		"Disposition-Notification-To: joerg@example.com\r\n"+
		"Return-Receipt-To: joerg@example.com\r\n"+
		"\r\nbody\r\n")
	want := map[mapi.PropTag]any{
		mapi.PrSentRepresentingName:              "Jörg Müller",
		mapi.PrSentRepresentingSMTPAddress:       "joerg@example.com",
		mapi.PrSentRepresentingEmailAddress:      "joerg@example.com",
		mapi.PrSentRepresentingAddrType:          "SMTP",
		mapi.PrSenderName:                        "Jörg Müller", // no Sender: the author
		mapi.PrSenderSMTPAddress:                 "joerg@example.com",
		mapi.PrSubject:                           "会議",
		mapi.PrSubjectPrefix:                     "",
		mapi.PrNormalizedSubject:                 "会議",
		mapi.PrInternetMessageID:                 "<m1@example.com>",
		mapi.PrInReplyToID:                       "<m0@example.com>",
		mapi.PrInternetReferences:                "<a@x> <m0@example.com>",
		mapi.PrSensitivity:                       int32(3),
		mapi.PrImportance:                        int32(0),
		mapi.PrReadReceiptRequested:              true,
		mapi.PrOriginatorDeliveryReportRequested: true,
		mapi.PrClientSubmitTime:                  mapi.FileTimeOf(time.Date(2023, 8, 1, 8, 0, 0, 0, time.UTC)),
		mapi.PrMessageClass:                      "IPM.Note",
		mapi.PrBody:                              "body",
		mapi.PrInternetCPID:                      int32(65001),
	}
	for tag, v := range want {
		if got := Get(m.Props, tag); got != v {
			t.Errorf("%s = %#v, want %#v", mapi.TagName(tag), got, v)
		}
	}
	if got := Get(m.Props, mapi.NewTag(0x5D05, mapi.PtUnicode)); got != "joerg@example.com" {
		t.Errorf("read receipt SMTP address %v", got)
	}
	if rr, _ := Get(m.Props, mapi.PrReadReceiptEntryID).([]byte); len(rr) == 0 {
		t.Error("no PR_READ_RECEIPT_ENTRYID")
	}
	eid, _ := Get(m.Props, mapi.PrSenderEntryID).([]byte)
	o, err := mapi.ParseOneOffEntryID(eid)
	if err != nil || o.DisplayName != "Jörg Müller" || o.Address != "joerg@example.com" || o.AddressType != "SMTP" {
		t.Errorf("sender entry id %x: %+v %v", eid, o, err)
	}
	if got := Get(m.Props, mapi.PrSenderSearchKey); !bytes.Equal(got.([]byte), []byte("SMTP:JOERG@EXAMPLE.COM\x00")) {
		t.Errorf("search key %q", got)
	}
	type rc struct {
		typ        int32
		name, addr string
	}
	var got []rc
	for _, r := range m.Recipients {
		got = append(got, rc{Get(r, mapi.PrRecipientType).(int32), Get(r, mapi.PrDisplayName).(string), Get(r, mapi.PrSMTPAddress).(string)})
	}
	wantR := []rc{{1, "a@example.com", "a@example.com"}, {1, "B, Bee", "b@example.com"}, {2, "Иван", "ivan@example.ru"}, {3, "hidden@example.com", "hidden@example.com"}}
	if len(got) != len(wantR) {
		t.Fatalf("recipients %v", got)
	}
	for i := range got {
		if got[i] != wantR[i] {
			t.Errorf("recipient %d = %v, want %v", i, got[i], wantR[i])
		}
	}
}

func TestImportanceHeaders(t *testing.T) {
	for _, c := range []struct {
		hdr  string
		want int32
	}{
		{"Importance: high", 2}, {"Importance: Low", 0}, {"Importance: whatever", 1},
		{"X-Priority: 1 (Highest)", 2}, {"X-Priority: 2", 2}, {"X-Priority: 3", 1}, {"X-Priority: 5 (Lowest)", 0},
		{"Priority: urgent", 2}, {"X-MSMail-Priority: High", 2}, {"Subject: none", 1},
	} {
		m := mustImport(t, c.hdr+"\r\n\r\nx")
		if got := Get(m.Props, mapi.PrImportance); got != c.want {
			t.Errorf("%q: importance %v, want %d", c.hdr, got, c.want)
		}
	}
}

func TestMissingDateAndRawHeaders(t *testing.T) {
	// Bare LF, no Date, a raw UTF-8 subject and a raw Latin-1 name.
	m := mustImport(t, "Subject: Grüße ☃\nFrom: J\xf6rg <j@example.com>\nTo: x@example.com\n\nline 1\nline 2\n")
	if got := Get(m.Props, mapi.PrClientSubmitTime); got != mapi.FileTimeOf(fixedNow) {
		t.Errorf("submit time %v, want the import time", got)
	}
	if got := Get(m.Props, mapi.PrSubject); got != "Grüße ☃" {
		t.Errorf("subject %q", got)
	}
	if got := Get(m.Props, mapi.PrSentRepresentingName); got != "Jörg" {
		t.Errorf("from name %q", got)
	}
	if got := Get(m.Props, mapi.PrBody); got != "line 1\r\nline 2\r\n" {
		t.Errorf("body %q", got)
	}
}

func TestReplyTo(t *testing.T) {
	m := mustImport(t, "Reply-To: a@example.com, Bob <b@example.com>\r\n\r\n")
	if got := Get(m.Props, mapi.PrReplyRecipientNames); got != "a@example.com;Bob" {
		t.Errorf("names %q", got)
	}
	b, _ := Get(m.Props, mapi.PrReplyRecipientEntries).([]byte)
	if len(b) < 8 || b[0] != 2 {
		t.Fatalf("entries %x", b)
	}
	// FlatEntryList: count, size, then size-prefixed, 4-aligned entries.
	off := 8
	for i, want := range []string{"a@example.com", "b@example.com"} {
		n := int(b[off]) | int(b[off+1])<<8
		o, err := mapi.ParseOneOffEntryID(b[off+4 : off+4+n])
		if err != nil || o.Address != want {
			t.Errorf("entry %d: %+v %v", i, o, err)
		}
		off += 4 + (n+3)/4*4
	}
}

func TestAlternativeRelatedAttachments(t *testing.T) {
	raw := "Subject: t\r\nContent-Type: multipart/mixed; boundary=outer\r\n\r\n" +
		"preamble\r\n--outer\r\n" +
		"Content-Type: multipart/alternative; boundary=alt\r\n\r\n" +
		"--alt\r\nContent-Type: text/plain; charset=windows-1252\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" +
		"5 =80 =\r\nsoft\r\n--alt\r\n" +
		"Content-Type: multipart/related; boundary=rel\r\n\r\n" +
		"--rel\r\nContent-Type: text/html; charset=iso-8859-1\r\n\r\n<p>caf\xe9 <img src=\"cid:img1\"></p>\r\n" +
		"--rel\r\nContent-Type: image/png\r\nContent-ID: <img1>\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0K\r\n--rel--\r\n" +
		"--alt--\r\n" +
		"--outer\r\nContent-Type: application/octet-stream\r\n" +
		"Content-Disposition: attachment; filename*=iso-8859-1''r%E9sum%E9.bin\r\n" +
		"Content-Transfer-Encoding: base64\r\n\r\nAAEC\r\n" +
		"--outer\r\nContent-Type: message/rfc822\r\n\r\nSubject: Re: inner\r\nFrom: i@example.com\r\n\r\ninner body\r\n" +
		"--outer--\r\nepilogue\r\n"
	m := mustImport(t, raw)
	if got := Get(m.Props, mapi.PrBody); got != "5 € soft" {
		t.Errorf("body %q", got)
	}
	if got, _ := Get(m.Props, mapi.PrHTML).([]byte); string(got) != "<p>caf\xe9 <img src=\"cid:img1\"></p>" {
		t.Errorf("html %q", got)
	}
	if got := Get(m.Props, mapi.PrInternetCPID); got != int32(28591) {
		t.Errorf("cpid %v", got)
	}
	if len(m.Attachments) != 3 {
		t.Fatalf("%d attachments", len(m.Attachments))
	}
	img := m.Attachments[0].Props
	if Get(img, mapi.PrAttachContentID) != "img1" || Get(img, mapi.PrAttachFlags) != int32(4) ||
		Get(img, mapi.PrAttachMIMETag) != "image/png" || !bytes.Equal(Get(img, mapi.PrAttachDataBin).([]byte), []byte("\x89PNG\r\n")) {
		t.Errorf("inline image %v", img)
	}
	bin := m.Attachments[1].Props
	if Get(bin, mapi.PrAttachLongFilename) != "résumé.bin" || Get(bin, mapi.PrAttachExtension) != ".bin" ||
		!bytes.Equal(Get(bin, mapi.PrAttachDataBin).([]byte), []byte{0, 1, 2}) || Get(bin, mapi.PrAttachFlags) != nil {
		t.Errorf("file attachment %v", bin)
	}
	em := m.Attachments[2]
	if Get(em.Props, mapi.PrAttachMethod) != int32(5) || em.Embedded == nil || Get(em.Props, mapi.PrDisplayName) != "Re: inner" {
		t.Fatalf("embedded %v", em.Props)
	}
	if Get(em.Embedded.Props, mapi.PrSubjectPrefix) != "Re: " || Get(em.Embedded.Props, mapi.PrBody) != "inner body" {
		t.Errorf("embedded message %v", em.Embedded.Props)
	}
}

func TestHTMLOnly(t *testing.T) {
	m := mustImport(t, "Content-Type: text/html; charset=utf-8\r\n\r\n<html><head><title>T</title><style>p{}</style></head>"+
		"<body><p>One &amp; two</p>line<br>next\r\n  wrapped</body></html>")
	if got := Get(m.Props, mapi.PrBody); got != "One & two\r\nline\r\nnext wrapped" {
		t.Errorf("body %q", got)
	}
}

func TestSMIMESigned(t *testing.T) {
	raw := "Subject: s\r\nContent-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256; boundary=b\r\n\r\n" +
		"--b\r\nContent-Type: text/plain\r\n\r\nsigned text\r\n--b\r\nContent-Type: application/pkcs7-signature; name=smime.p7s\r\n" +
		"Content-Transfer-Encoding: base64\r\n\r\nAAAA\r\n--b--\r\n"
	m := mustImport(t, raw)
	if got := Get(m.Props, mapi.PrMessageClass); got != "IPM.Note.SMIME.MultipartSigned" {
		t.Errorf("class %v", got)
	}
	if len(m.Attachments) != 1 || Get(m.Attachments[0].Props, mapi.PrAttachMIMETag) != "multipart/signed" ||
		!bytes.Equal(Get(m.Attachments[0].Props, mapi.PrAttachDataBin).([]byte), []byte(raw)) {
		t.Errorf("attachments %v", m.Attachments)
	}
	if got := Get(m.Props, mapi.PrBody); got != "signed text" {
		t.Errorf("body %q", got)
	}
}

func TestBrokenStructure(t *testing.T) {
	// No close delimiter, a boundary parameter that never occurs, and a
	// deep chain of embedded messages: best effort, bounded, no panic.
	m := mustImport(t, "Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n\r\npart one\r\n--x\r\nContent-Type: text/csv\r\n\r\na,b")
	if Get(m.Props, mapi.PrBody) != "part one" || len(m.Attachments) != 1 {
		t.Errorf("unterminated multipart: %v, %d attachments", Get(m.Props, mapi.PrBody), len(m.Attachments))
	}
	m = mustImport(t, "Content-Type: multipart/mixed; boundary=nope\r\n\r\njust text")
	if Get(m.Props, mapi.PrBody) != "just text" {
		t.Errorf("no parts: %v", Get(m.Props, mapi.PrBody))
	}
	deep := "inner"
	for range 100 {
		deep = "Content-Type: message/rfc822\r\n\r\n" + deep
	}
	m = mustImport(t, "Content-Type: multipart/mixed; boundary=z\r\n\r\n--z\r\n"+deep+"\r\n--z--")
	depth := 0
	for len(m.Attachments) > 0 && m.Attachments[0].Embedded != nil {
		m = m.Attachments[0].Embedded
		depth++
	}
	if depth == 0 || depth > 17 {
		t.Errorf("embedded depth %d", depth)
	}
	if _, err := Import(nil, ImportOptions{}); err != ErrEmpty {
		t.Errorf("empty input: %v", err)
	}
	// Inputs that once took quadratic time (an unterminated <script> per
	// tag, thousands of folded lines), and other odd shapes.
	for _, raw := range []string{"\x00\x00", "\n", ":", "From: <\r\n\r\n", strings.Repeat("x", 1<<20),
		"Content-Type: text/html\r\n\r\n" + strings.Repeat("<script>", 200000),
		"Subject: a\r\n" + strings.Repeat(" x\r\n", 200000) + "\r\n",
		"Content-Type: multipart/mixed; boundary=a\r\n\r\n" + strings.Repeat("--a\r\n", 100000),
		strings.Repeat("Content-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\n", 20000),
	} {
		if _, err := Import([]byte(raw), ImportOptions{}); err != nil {
			t.Errorf("%.20q: %v", raw, err)
		}
	}
}

func TestDecodeQP(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"a=3Db=\r\nc =ZZ d  \r\nend", "a=bc =ZZ d\r\nend"},
		{"soft=\nbreak\n", "softbreak\r\n"},
		{"=e2=82=ac=", "\u20ac"},
		{"tail=4", "tail=4"},
	} {
		if got := string(decodeQP([]byte(c.in))); got != c.want {
			t.Errorf("decodeQP(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestDateOutOfRange(t *testing.T) {
	m := mustImport(t, "Date: Mon, 1 Jan 9999 00:00:00 +0000\r\n\r\n")
	if got := Get(m.Props, mapi.PrClientSubmitTime); got != mapi.FileTimeOf(fixedNow) {
		t.Errorf("submit time %v, want the import time", got)
	}
}

// BenchmarkDecodeBase64 decodes a 2 MiB attachment's base64 body (76-column
// lines), the conversion's hottest loop for large messages.
func BenchmarkDecodeBase64(b *testing.B) {
	raw := make([]byte, 2<<20)
	for i := range raw {
		raw[i] = byte(i * 7)
	}
	enc := base64.StdEncoding.EncodeToString(raw)
	var lines strings.Builder
	for len(enc) > 76 {
		lines.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	lines.WriteString(enc + "\r\n")
	in := []byte(lines.String())
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if out := decodeBase64(in); len(out) != len(raw) {
			b.Fatalf("%d bytes", len(out))
		}
	}
}

// FuzzDecodeBase64: the one-pass decoding of well-formed parts gives what
// the lenient cleaning gives, for any input.
func FuzzDecodeBase64(f *testing.F) {
	f.Add([]byte("QUJD\r\nREVG\r\n"))
	f.Add([]byte("QQ==\r\n"))
	f.Add([]byte("QQ=\r\nQQ"))
	f.Add([]byte("Q Q\r\n*A"))
	f.Fuzz(func(t *testing.T, in []byte) {
		if got, want := decodeBase64(in), decodeBase64Lenient(in, nil); !bytes.Equal(got, want) {
			t.Fatalf("decodeBase64(%q) = %q, lenient %q", in, got, want)
		}
	})
}
