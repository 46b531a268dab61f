package oxcmail

import (
	"bytes"
	"encoding/base64"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/mapi/tnef"
	tt "github.com/gromox-go/gromox/mapi/tnef/tneftest"
)

var prRTFCompressed = mapi.NewTag(0x1009, mapi.PtBinary) // PR_RTF_COMPRESSED

// winmail builds the TNEF stream Outlook would attach: legacy attributes,
// encapsulated properties (one named), a file and an embedded message.
func winmail() []byte {
	inner := tt.New().
		Attr(tnef.LevelMessage, tnef.AttMsgProps, (&tt.Props{}).
			Add(mapi.PrSubject, "the forwarded one").Add(mapi.PrBody, "inner text").Bytes()).
		Bytes()
	return tt.New().
		Attr(tnef.LevelMessage, tnef.AttOemCodepage, append(tt.U32(1252), tt.U32(0)...)).
		Attr(tnef.LevelMessage, tnef.AttMessageClass, tt.String8("IPM.Note.Custom")).
		Attr(tnef.LevelMessage, tnef.AttSubject, tt.String8("RE: TNEF subject")).
		Attr(tnef.LevelMessage, tnef.AttMessageStatus, []byte{0x02}). // fmsLocal: a draft at the sender
		Attr(tnef.LevelMessage, tnef.AttMsgProps, (&tt.Props{}).
			Add(mapi.PrBody, "TNEF body\nsecond line").
			Add(prRTFCompressed, []byte("LZFu-ish")).
			AddNamed(mapi.NewTag(0x8000, mapi.PtUnicode), mapi.NameByString(mapi.PSPublicStrings, "X-Custom"), "custom value").
			Bytes()).
		Attr(tnef.LevelMessage, tnef.AttRecipTable, tt.RecipTable((&tt.Props{}).
			Add(mapi.PrRecipientType, int32(1)).Add(mapi.PrDisplayName, "Carol").
			Add(mapi.PrSMTPAddress, "carol@example.com").Add(mapi.PrEntryID, []byte{0, 0, 0, 0, 1}))).
		Attr(tnef.LevelAttachment, tnef.AttAttachRendData, tt.RendData(1, 0xffffffff)).
		Attr(tnef.LevelAttachment, tnef.AttAttachTitle, tt.String8("REPORT.PDF")).
		Attr(tnef.LevelAttachment, tnef.AttAttachData, []byte("%PDF-1.4")).
		Attr(tnef.LevelAttachment, tnef.AttAttachment, (&tt.Props{}).
			Add(mapi.PrAttachLongFilename, "Quarterly report.pdf").Add(mapi.PrAttachNum, int32(0)).Bytes()).
		Attr(tnef.LevelAttachment, tnef.AttAttachRendData, tt.RendData(1, 0xffffffff)).
		Attr(tnef.LevelAttachment, tnef.AttAttachment, (&tt.Props{}).
			Add(mapi.PrAttachMethod, int32(mapi.AttachEmbeddedMsg)).
			Object(mapi.PrAttachDataObj, tnef.IIDIMessage, inner).Bytes()).
		Bytes()
}

// mimeWith wraps a TNEF part in a multipart/mixed message with a plain
// text alternative, as Outlook sends it.
func mimeWith(partHeader string, data []byte) []byte {
	return []byte("From: Alice <alice@example.com>\r\n" +
		"To: Bob <bob@example.com>\r\n" +
		"Subject: MIME subject\r\n" +
		"Date: Tue, 17 Feb 2004 19:25:35 +0000\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=b1\r\n\r\n" +
		"--b1\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nMIME body\r\n" +
		"--b1\r\n" + partHeader + "Content-Transfer-Encoding: base64\r\n\r\n" +
		base64.StdEncoding.EncodeToString(data) + "\r\n--b1--\r\n")
}

const tnefPartHeader = "Content-Type: application/ms-tnef; name=\"winmail.dat\"\r\n" +
	"Content-Disposition: attachment; filename=\"winmail.dat\"\r\n"

func TestImportTNEF(t *testing.T) {
	var asked []mapi.PropName
	opt := ImportOptions{
		Now: func() time.Time { return fixedNow },
		NamedProps: func(names []mapi.PropName) ([]uint16, error) {
			asked = append(asked, names...)
			ids := make([]uint16, len(names))
			for i := range ids {
				ids[i] = 0x8123
			}
			return ids, nil
		},
	}
	for name, hdr := range map[string]string{
		"ms-tnef":     tnefPartHeader,
		"by filename": "Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=WINMAIL.DAT\r\n",
	} {
		t.Run(name, func(t *testing.T) {
			asked = nil
			m, err := Import(mimeWith(hdr, winmail()), opt)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				tag  mapi.PropTag
				want any
			}{
				{mapi.PrSubject, "RE: TNEF subject"},
				{mapi.PrSubjectPrefix, "RE: "},
				{mapi.PrNormalizedSubject, "TNEF subject"},
				{mapi.PrConversationTopic, "TNEF subject"},
				{mapi.PrBody, "TNEF body\r\nsecond line"}, // CRLF as for MIME text
				{mapi.PrHTML, textToHTML("TNEF body\r\nsecond line")},
				{mapi.PrMessageClass, "IPM.Note.Custom"},
				{prRTFCompressed, []byte("LZFu-ish")},
				{mapi.NewTag(0x8123, mapi.PtUnicode), "custom value"},
				{mapi.PrSenderEmailAddress, "alice@example.com"}, // from the headers, untouched
				{mapi.PrMessageFlags, nil},                       // the sender's draft flag is not taken
			} {
				if got := Get(m.Props, c.tag); !reflect.DeepEqual(got, c.want) {
					t.Errorf("%v = %#v, want %#v", c.tag, got, c.want)
				}
			}
			if len(asked) != 1 || asked[0] != mapi.NameByString(mapi.PSPublicStrings, "X-Custom") {
				t.Errorf("named properties asked for: %v", asked)
			}
			if len(m.Recipients) != 1 || Get(m.Recipients[0], mapi.PrSMTPAddress) != "bob@example.com" {
				t.Errorf("recipients %v", m.Recipients)
			}
			if len(m.Attachments) != 2 {
				t.Fatalf("%d attachments, want the TNEF's 2 without winmail.dat", len(m.Attachments))
			}
			file := m.Attachments[0].Props
			if Get(file, mapi.PrAttachLongFilename) != "Quarterly report.pdf" || !bytes.Equal(Get(file, mapi.PrAttachDataBin).([]byte), []byte("%PDF-1.4")) ||
				Get(file, mapi.PrAttachNum) != nil || Get(file, mapi.PrCreationTime) != mapi.FileTimeOf(time.Date(2004, 2, 17, 19, 25, 35, 0, time.UTC)) {
				t.Errorf("file attachment %v", file)
			}
			em := m.Attachments[1]
			if em.Embedded == nil || Get(em.Props, mapi.PrAttachMethod) != int32(mapi.AttachEmbeddedMsg) {
				t.Fatalf("embedded attachment %v", em.Props)
			}
			if Get(em.Embedded.Props, mapi.PrSubject) != "the forwarded one" || Get(em.Embedded.Props, mapi.PrMessageClass) != "IPM.Note" {
				t.Errorf("embedded message %v", em.Embedded.Props)
			}
		})
	}
}

func TestImportTNEFCorruptKept(t *testing.T) {
	bad := winmail()
	bad = bad[:len(bad)-40] // the last attribute cut short
	raw := mimeWith(tnefPartHeader, bad)
	m, err := Import(raw, ImportOptions{Now: func() time.Time { return fixedNow }})
	if err != nil {
		t.Fatal(err)
	}
	if Get(m.Props, mapi.PrSubject) != "MIME subject" || Get(m.Props, mapi.PrBody) != "MIME body" {
		t.Errorf("props from TNEF applied: subject %v body %v", Get(m.Props, mapi.PrSubject), Get(m.Props, mapi.PrBody))
	}
	if len(m.Attachments) != 1 {
		t.Fatalf("%d attachments", len(m.Attachments))
	}
	a := m.Attachments[0].Props
	if Get(a, mapi.PrAttachMIMETag) != "application/ms-tnef" || Get(a, mapi.PrAttachLongFilename) != "winmail.dat" ||
		!bytes.Equal(Get(a, mapi.PrAttachDataBin).([]byte), bad) {
		t.Errorf("kept attachment %v", a)
	}
}

func TestImportTNEFOnlyMessage(t *testing.T) {
	// The whole message is the TNEF part, with a body only in it and no
	// resolver for its named property (dropped).
	raw := "From: a@example.com\r\nSubject: outer\r\nContent-Type: application/ms-tnef\r\n" +
		"Content-Transfer-Encoding: base64\r\n\r\n" + base64.StdEncoding.EncodeToString(winmail()) + "\r\n"
	m, err := Import([]byte(raw), ImportOptions{Now: func() time.Time { return fixedNow }})
	if err != nil {
		t.Fatal(err)
	}
	if Get(m.Props, mapi.PrBody) != "TNEF body\r\nsecond line" || len(m.Attachments) != 2 {
		t.Errorf("body %v, %d attachments", Get(m.Props, mapi.PrBody), len(m.Attachments))
	}
	// No To header: the TNEF's recipient table is used, entry id kept.
	if len(m.Recipients) != 1 || Get(m.Recipients[0], mapi.PrSMTPAddress) != "carol@example.com" ||
		!bytes.Equal(Get(m.Recipients[0], mapi.PrEntryID).([]byte), []byte{0, 0, 0, 0, 1}) {
		t.Errorf("recipients %v", m.Recipients)
	}
	for _, v := range m.Props {
		if v.Tag.IsNamed() {
			t.Errorf("named property %v without a resolver", v.Tag)
		}
	}
	if !strings.Contains(string(Get(m.Props, mapi.PrHTML).([]byte)), "TNEF body") {
		t.Errorf("HTML not from the TNEF body")
	}
}
