package oxcmail

import (
	"bytes"
	"fmt"
	"io"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	message "github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset"
	gomail "github.com/emersion/go-message/mail"

	"github.com/gromox-go/gromox/mapi"
)

var exportOpt = ExportOptions{Now: func() time.Time { return fixedNow }, MessageIDDomain: "example.org"}

func mustExport(t *testing.T, m *Message) []byte {
	t.Helper()
	out, err := Export(m, exportOpt)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// summary is what a reader shows of a message: the properties a round trip
// through Export and Import must keep.
func summary(m *Message) []string {
	var s []string
	add := func(k string, v any) { s = append(s, fmt.Sprintf("%s=%q", k, fmt.Sprint(v))) }
	for _, tag := range []mapi.PropTag{mapi.PrSubject, mapi.PrSentRepresentingName,
		mapi.PrSentRepresentingSMTPAddress, mapi.PrSenderName, mapi.PrSenderSMTPAddress,
		mapi.PrImportance, mapi.PrSensitivity, mapi.PrInternetMessageID, mapi.PrInReplyToID,
		mapi.PrInternetReferences, mapi.PrClientSubmitTime, mapi.PrReadReceiptRequested,
		mapi.PrReplyRecipientNames, mapi.PrMessageClass} {
		add(mapi.PropTag(tag).String(), Get(m.Props, tag))
	}
	body, _ := Get(m.Props, mapi.PrBody).(string)
	add("body", bodyNorm(body))
	add("html", Get(m.Props, mapi.PrHTML) != nil)
	for _, r := range m.Recipients {
		add("rcpt", fmt.Sprintf("%v|%v|%v", Get(r, mapi.PrRecipientType), Get(r, mapi.PrDisplayName), Get(r, mapi.PrSMTPAddress)))
	}
	for i, a := range m.Attachments {
		p := fmt.Sprintf("att%d.", i)
		add(p+"name", Get(a.Props, mapi.PrAttachLongFilename))
		add(p+"mime", Get(a.Props, mapi.PrAttachMIMETag))
		add(p+"method", Get(a.Props, mapi.PrAttachMethod))
		add(p+"cid", Get(a.Props, mapi.PrAttachContentID))
		if d, ok := Get(a.Props, mapi.PrAttachDataBin).([]byte); ok {
			add(p+"data", fmt.Sprintf("%d bytes %x", len(d), d[:min(len(d), 16)]))
		}
		if a.Embedded != nil {
			for _, l := range summary(a.Embedded) {
				s = append(s, p+"embedded."+l)
			}
		}
	}
	return s
}

// bodyNorm compares bodies as a reader sees them: line ends and trailing
// white space on lines and at the end do not count.
func bodyNorm(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], " \t\r")
	}
	return strings.TrimRight(strings.Join(lines, "\n"), "\n")
}

func TestExportCorpusRoundTrip(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(fixtureDir, "corpus/*.eml"))
	if len(files) == 0 {
		t.Skip("corpus not available")
	}
	iopt := ImportOptions{Now: func() time.Time { return fixedNow }}
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(file)
		m1, err := Import(raw, iopt)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out := mustExport(t, m1)
		checkWellFormed(t, name, out)
		m2, err := Import(out, iopt)
		if err != nil {
			t.Fatalf("%s: reimport: %v", name, err)
		}
		a, b := summary(m1), summary(m2)
		if strings.Join(a, "\n") != strings.Join(b, "\n") {
			for i := 0; i < max(len(a), len(b)); i++ {
				var x, y string
				if i < len(a) {
					x = a[i]
				}
				if i < len(b) {
					y = b[i]
				}
				if x != y {
					t.Errorf("%s:\n first %s\nsecond %s", name, x, y)
				}
			}
		}
		// Attachment data must survive byte for byte.
		for i := range min(len(m1.Attachments), len(m2.Attachments)) {
			d1 := propBytes(m1.Attachments[i].Props, mapi.PrAttachDataBin)
			d2 := propBytes(m2.Attachments[i].Props, mapi.PrAttachDataBin)
			if !bytes.Equal(d1, d2) {
				t.Errorf("%s: attachment %d data differs (%d vs %d bytes)", name, i, len(d1), len(d2))
			}
		}
	}
}

// checkWellFormed asserts that out is CRLF-only, 7-bit unless a
// message/rfc822 part needs 8bit, has header lines of at most 78
// characters where they can be folded, and parses with net/mail and
// go-message, every part's body readable.
func checkWellFormed(t *testing.T, name string, out []byte) {
	t.Helper()
	if bytes.Contains(bytes.ReplaceAll(out, []byte("\r\n"), nil), []byte("\n")) {
		t.Errorf("%s: bare LF in output", name)
	}
	hdr, _, _ := bytes.Cut(out, []byte("\r\n\r\n"))
	for _, l := range strings.Split(string(hdr), "\r\n") {
		if len(l) > 78 && strings.Contains(strings.TrimLeft(l, " "), " ") {
			t.Errorf("%s: header line of %d characters: %q", name, len(l), l)
		}
	}
	msg, err := mail.ReadMessage(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("%s: net/mail: %v", name, err)
	}
	for _, h := range []string{"From", "To", "Cc"} {
		if v := msg.Header.Get(h); v != "" {
			if _, err := msg.Header.AddressList(h); err != nil {
				t.Errorf("%s: net/mail %s %q: %v", name, h, v, err)
			}
		}
	}
	if _, err := msg.Header.Date(); err != nil {
		t.Errorf("%s: net/mail Date: %v", name, err)
	}
	e, err := message.Read(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("%s: go-message: %v", name, err)
	}
	err = e.Walk(func(path []int, p *message.Entity, err error) error {
		if err != nil {
			return err
		}
		if mt, _, _ := p.Header.ContentType(); strings.HasPrefix(mt, "multipart/") {
			return nil // its parts are walked next
		}
		_, err = io.Copy(io.Discard, p.Body)
		return err
	})
	if err != nil {
		t.Errorf("%s: go-message walk: %v", name, err)
	}
}

func TestExportHeaderEncoding(t *testing.T) {
	long := "A rather long subject line that goes on and on about the quarterly results and their meaning for everyone"
	m := &Message{Props: []mapi.PropVal{
		{Tag: mapi.PrSubject, Value: "Grüße aus Köln – " + long},
		{Tag: mapi.PrSentRepresentingName, Value: "Jürgen Müller"},
		{Tag: mapi.PrSentRepresentingSMTPAddress, Value: "juergen@example.org"},
		{Tag: mapi.PrSenderName, Value: "Assistant, The"},
		{Tag: mapi.PrSenderAddrType, Value: "SMTP"},
		{Tag: mapi.PrSenderEmailAddress, Value: "assist@example.org"},
		{Tag: mapi.PrBody, Value: "Hallo Welt, schöne Grüße.\r\n"},
		{Tag: mapi.PrImportance, Value: int32(2)},
		{Tag: mapi.PrSensitivity, Value: int32(2)},
		{Tag: mapi.PrReadReceiptRequested, Value: true},
		{Tag: mapi.PrReplyRecipientEntries, Value: flatEntryList([][]byte{oneOff("Replies 日本", "replies@example.org")})},
	}, Recipients: [][]mapi.PropVal{
		{{Tag: mapi.PrRecipientType, Value: int32(1)}, {Tag: mapi.PrDisplayName, Value: `Doe, "JD" John`}, {Tag: mapi.PrSMTPAddress, Value: "john@example.com"}},
		{{Tag: mapi.PrRecipientType, Value: int32(2)}, {Tag: mapi.PrDisplayName, Value: "山田太郎"}, {Tag: mapi.PrEntryID, Value: oneOff("山田太郎", "taro@example.jp")}},
		{{Tag: mapi.PrRecipientType, Value: int32(3)}, {Tag: mapi.PrDisplayName, Value: "Hidden"}, {Tag: mapi.PrAddrType, Value: "SMTP"}, {Tag: mapi.PrEmailAddress, Value: "hidden@example.com"}},
		{{Tag: mapi.PrRecipientType, Value: int32(1)}, {Tag: mapi.PrDisplayName, Value: "Unresolvable"}, {Tag: mapi.PrAddrType, Value: "EX"}, {Tag: mapi.PrEmailAddress, Value: "/o=x/cn=y"}},
	}}
	out := mustExport(t, m)
	checkWellFormed(t, "encoding", out)
	msg, err := mail.ReadMessage(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	subj, err := wordDecoder.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil || subj != "Grüße aus Köln – "+long {
		t.Errorf("Subject = %q, %v", subj, err)
	}
	for h, want := range map[string]string{
		"From":     `"Jürgen Müller" <juergen@example.org>`,
		"Sender":   `"Assistant, The" <assist@example.org>`,
		"To":       `"Doe, \"JD\" John" <john@example.com>`,
		"Cc":       `"山田太郎" <taro@example.jp>`,
		"Bcc":      `"Hidden" <hidden@example.com>`,
		"Reply-To": `"Replies 日本" <replies@example.org>`,
	} {
		l, err := msg.Header.AddressList(h)
		if err != nil || len(l) != 1 {
			t.Errorf("%s: %v %v", h, l, err)
			continue
		}
		got := fmt.Sprintf("%q <%s>", l[0].Name, l[0].Address)
		if got != want {
			t.Errorf("%s = %s, want %s", h, got, want)
		}
	}
	for h, want := range map[string]string{"Importance": "High", "X-Priority": "1",
		"Sensitivity": "Private", "Disposition-Notification-To": "<juergen@example.org>",
		"MIME-Version": "1.0", "Date": "Sun, 29 Nov 2026 01:00:00 +0000"} {
		if got := msg.Header.Get(h); !strings.Contains(got, want) {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if id := msg.Header.Get("Message-ID"); !strings.HasSuffix(id, "@example.org>") {
		t.Errorf("Message-ID = %q", id)
	}
	if !bytes.Contains(out, []byte("Content-Transfer-Encoding: quoted-printable")) ||
		!bytes.Contains(out, []byte("Content-Type: text/plain; charset=utf-8")) {
		t.Errorf("body part:\n%s", out)
	}
	// A hidden-Bcc export drops it.
	opt := exportOpt
	opt.HideBcc = true
	out2, _ := Export(m, opt)
	if bytes.Contains(out2, []byte("\r\nBcc:")) {
		t.Error("Bcc kept with HideBcc")
	}
	// And Import reads the same people back.
	m2 := mustImport(t, string(out))
	if got := Get(m2.Props, mapi.PrSentRepresentingName); got != "Jürgen Müller" {
		t.Errorf("reimported From name %v", got)
	}
	if got := Get(m2.Props, mapi.PrReplyRecipientNames); got != "Replies 日本" {
		t.Errorf("reimported Reply-To %v", got)
	}
	if len(m2.Recipients) != 3 {
		t.Fatalf("reimported %d recipients, want 3 (the EX one has no SMTP form)", len(m2.Recipients))
	}
	if got := Get(m2.Recipients[1], mapi.PrDisplayName); got != "山田太郎" {
		t.Errorf("reimported Cc name %v", got)
	}
}

func TestEncodeWordsFolding(t *testing.T) {
	for _, s := range []string{
		strings.Repeat("ünïcödé ", 30),
		strings.Repeat("日本語のテキスト", 20),
		strings.Repeat("x", 300),
		"tab\there  and  double  spaces ",
		"looks like =?utf-8?q?an_encoded_word?=",
		"ctrl \x01 char",
	} {
		out := mustExport(t, &Message{Props: []mapi.PropVal{{Tag: mapi.PrSubject, Value: s}}})
		checkWellFormed(t, "subject", out)
		hdr, _, _ := bytes.Cut(out, []byte("\r\n\r\n"))
		for _, l := range strings.Split(string(hdr), "\r\n") {
			if len(l) > 78 {
				t.Errorf("line of %d characters: %q", len(l), l)
			}
		}
		m := mustImport(t, string(out))
		if got := Get(m.Props, mapi.PrSubject); got != s {
			t.Errorf("subject %q came back as %q", s, got)
		}
	}
}

func TestExportStructure(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\nfakeimage\x00\xff")
	inner := &Message{Props: []mapi.PropVal{{Tag: mapi.PrSubject, Value: "Inner"}, {Tag: mapi.PrBody, Value: "inner text"}}}
	m := &Message{Props: []mapi.PropVal{
		{Tag: mapi.PrSubject, Value: "Structure"},
		{Tag: mapi.PrBody, Value: "plain"},
		{Tag: mapi.PrHTML, Value: []byte("<p>caf\xe9 <img src=\"cid:img1@x\"></p>")},
		{Tag: mapi.PrInternetCPID, Value: int32(28591)},
	}, Attachments: []Attachment{
		{Props: []mapi.PropVal{{Tag: mapi.PrAttachMethod, Value: int32(1)}, {Tag: mapi.PrAttachLongFilename, Value: "pic.png"},
			{Tag: mapi.PrAttachMIMETag, Value: "image/png"}, {Tag: mapi.PrAttachContentID, Value: "img1@x"}, {Tag: mapi.PrAttachDataBin, Value: png}}},
		{Props: []mapi.PropVal{{Tag: mapi.PrAttachMethod, Value: int32(1)}, {Tag: mapi.PrAttachFilename, Value: "Überweisung März.pdf"},
			{Tag: mapi.PrAttachDataBin, Value: []byte("%PDF-1.4")}}},
		{Props: []mapi.PropVal{{Tag: mapi.PrAttachMethod, Value: int32(5)}}, Embedded: inner},
	}}
	out := mustExport(t, m)
	checkWellFormed(t, "structure", out)
	for _, want := range []string{
		"Content-Type: multipart/mixed", "Content-Type: multipart/alternative", "Content-Type: multipart/related",
		"Content-Type: text/html; charset=iso-8859-1", "Content-ID: <img1@x>",
		"filename*=utf-8''%C3%9Cberweisung%20M%C3%A4rz.pdf", "Content-Type: application/octet-stream",
		"Content-Type: message/rfc822",
	} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	// What go-message's mail reader, as a client would use it, shows.
	r, err := gomail.CreateReader(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h, ok := p.Header.(*gomail.AttachmentHeader); ok {
			n, err := h.Filename()
			if err != nil {
				t.Error(err)
			}
			names = append(names, n)
		}
	}
	if strings.Join(names, "|") != "Überweisung März.pdf|" {
		t.Errorf("go-message attachment names %q", names)
	}
	m2 := mustImport(t, string(out))
	if got := propBytes(m2.Props, mapi.PrHTML); !bytes.Equal(got, propBytes(m.Props, mapi.PrHTML)) {
		t.Errorf("HTML %q", got)
	}
	if len(m2.Attachments) != 3 {
		t.Fatalf("%d attachments", len(m2.Attachments))
	}
	a := m2.Attachments
	if !bytes.Equal(propBytes(a[0].Props, mapi.PrAttachDataBin), png) || Get(a[0].Props, mapi.PrAttachContentID) != "img1@x" {
		t.Errorf("inline image %v", a[0].Props)
	}
	if Get(a[1].Props, mapi.PrAttachLongFilename) != "Überweisung März.pdf" {
		t.Errorf("name %v", Get(a[1].Props, mapi.PrAttachLongFilename))
	}
	if a[2].Embedded == nil || Get(a[2].Embedded.Props, mapi.PrSubject) != "Inner" {
		t.Errorf("embedded %+v", a[2])
	}
	// Text only: a single part, no multipart.
	out = mustExport(t, &Message{Props: []mapi.PropVal{{Tag: mapi.PrBody, Value: "just text"}}})
	if bytes.Contains(out, []byte("multipart")) || !bytes.Contains(out, []byte("\r\n\r\njust text")) {
		t.Errorf("text only:\n%s", out)
	}
}

func TestExportDepthBound(t *testing.T) {
	m := &Message{Props: []mapi.PropVal{{Tag: mapi.PrSubject, Value: "level 0"}}}
	cur := m
	for i := 1; i < 40; i++ {
		next := &Message{Props: []mapi.PropVal{{Tag: mapi.PrSubject, Value: fmt.Sprint("level ", i)}}}
		cur.Attachments = []Attachment{{Props: []mapi.PropVal{{Tag: mapi.PrAttachMethod, Value: int32(5)}}, Embedded: next}}
		cur = next
	}
	out := mustExport(t, m)
	if n := bytes.Count(out, []byte("message/rfc822")); n != 8 {
		t.Errorf("%d nested messages, want 8", n)
	}
	if _, err := Export(nil, ExportOptions{}); err == nil {
		t.Error("nil message exported")
	}
}

// FuzzExportRoundTrip imports arbitrary bytes, exports the result and
// imports that again: the second import must succeed and keep the subject.
func FuzzExportRoundTrip(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(fixtureDir, "corpus/*.eml"))
	for _, file := range files {
		if b, err := os.ReadFile(file); err == nil && len(b) < 64<<10 {
			f.Add(b)
		}
	}
	f.Add([]byte("Subject: =?utf-8?b?AAEC?=\r\n\r\nx"))
	f.Add([]byte("Subject: a\r\n  b\r\nFrom: \"x\\\"\" <a@b>\r\n\r\n"))
	iopt := ImportOptions{Now: func() time.Time { return fixedNow }, MaxDepth: 8}
	f.Fuzz(func(t *testing.T, raw []byte) {
		m1, err := Import(raw, iopt)
		if err != nil {
			return
		}
		out, err := Export(m1, exportOpt)
		if err != nil {
			t.Fatal(err)
		}
		m2, err := Import(out, iopt)
		if err != nil {
			t.Fatalf("reimport: %v\n%q", err, out)
		}
		// An empty subject and none read the same.
		if s1, s2 := propString(m1.Props, mapi.PrSubject), propString(m2.Props, mapi.PrSubject); s1 != s2 {
			t.Fatalf("subject %q became %q\n%q", s1, s2, out)
		}
	})
}
