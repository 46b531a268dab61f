package mailbox

import (
	"bytes"
	"io"
	"testing"

	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/mapi/oxcmail"
	"github.com/gromox-go/gromox/mapi/rtf"
)

// saveMessage stores a new Inbox message with props and returns its id.
func saveMessage(t *testing.T, tx *Tx, props Props) uint64 {
	t.Helper()
	inst, err := tx.OpenInstance(mapi.PrivateFIDInbox, 0, true)
	if err != nil {
		t.Fatal(err)
	}
	noProblems(t, inst.SetProps(props))
	mid, _, err := tx.SaveInstance(inst, false)
	if err != nil {
		t.Fatal(err)
	}
	return mid
}

func TestRTFOnlyBodies(t *testing.T) {
	tx, _ := openFixtureTx(t)
	htmlRTF := rtf.Compress([]byte(`{\rtf1\ansi\ansicpg1252\fromhtml1 \deff0{\fonttbl{\f0\fswiss Arial;}}` +
		`{\*\htmltag19 <html>}{\*\htmltag64 <p>}\htmlrtf {\htmlrtf0 Gr\'fc\'dfe\htmlrtf \par}\htmlrtf0{\*\htmltag72 </p></html>}}`))
	textRTF := rtf.Compress([]byte(`{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\fswiss Arial;}}\pard\f0 Hello \'e4\par}`))
	htmlOnly := saveMessage(t, tx, Props{{Tag: mapi.PrSubject, Value: "html in rtf"}, {Tag: mapi.PrRTFCompressed, Value: htmlRTF}})
	textOnly := saveMessage(t, tx, Props{{Tag: mapi.PrSubject, Value: "rtf"}, {Tag: mapi.PrRTFCompressed, Value: textRTF}})
	withBody := saveMessage(t, tx, Props{{Tag: mapi.PrBody, Value: "stored body"}, {Tag: mapi.PrRTFCompressed, Value: htmlRTF}})
	bodyTags := []mapi.PropTag{mapi.PrBody, mapi.PrBodyA, mapi.PrHTML}
	for _, c := range []struct {
		name             string
		mid              uint64
		body, html       string
		hasBody, hasHTML bool
	}{
		{"html in rtf", htmlOnly, "Grüße\r\n", "<html><p>Grüße</p></html>", true, true},
		{"rtf text", textOnly, "Hello ä\r\n", "<!DOCTYPE html>\r\n<html><head><meta charset=\"utf-8\"><style>p{margin:0}</style></head>\r\n" +
			"<body style=\"font-family:'Arial',sans-serif;font-size:12pt\">\r\n<p>Hello ä</p>\r\n</body></html>\r\n", true, true},
		{"stored body", withBody, "stored body", "", true, false},
	} {
		// The store's read path (tables, MessageProps) and an opened
		// instance (RopGetPropertiesSpecific, RopOpenStream) answer alike.
		p, err := tx.MessageProps(c.mid, bodyTags)
		if err != nil {
			t.Fatal(err)
		}
		inst, err := tx.OpenInstance(mapi.PrivateFIDInbox, c.mid, false)
		if err != nil {
			t.Fatal(err)
		}
		for src, p := range map[string]Props{"MessageProps": p, "instance": inst.GetProps(bodyTags)} {
			if got := p.String(mapi.PrBody); got != c.body || p.Has(mapi.PrBody) != c.hasBody {
				t.Errorf("%s %s: PR_BODY %q", c.name, src, got)
			}
			if got := p.String(mapi.PrBodyA); got != c.body {
				t.Errorf("%s %s: PR_BODY_A %q", c.name, src, got)
			}
			v, ok := p.Get(mapi.PrHTML)
			if html, _ := v.([]byte); ok != c.hasHTML || string(html) != c.html {
				t.Errorf("%s %s: PR_HTML %q", c.name, src, html)
			}
		}
		st, err := inst.OpenStream(mapi.PrBodyA, StreamReadOnly)
		if err != nil {
			t.Fatalf("%s: stream: %v", c.name, err)
		}
		if b, _ := io.ReadAll(st); string(b) != c.body+"\x00" {
			t.Errorf("%s: stream %q", c.name, b)
		}
		st.Close()
	}
	// The RFC 5322 form IMAP FETCH and POP3 RETR serve (ExportOriginal)
	// has the body.
	for mid, want := range map[uint64]string{htmlOnly: "Content-Type: text/html; charset=utf-8", textOnly: "Hello =C3=A4"} {
		mc, err := tx.ReadMessage(mid)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := oxcmail.Export(mc.Oxcmail(), oxcmail.ExportOptions{})
		if err != nil || !bytes.Contains(raw, []byte(want)) {
			t.Errorf("exported %q, %v; want %q", raw, err, want)
		}
	}
	// Answered, never stored: saving an opened instance again leaves the
	// RTF the only body.
	inst, err := tx.OpenInstance(mapi.PrivateFIDInbox, htmlOnly, false)
	if err != nil {
		t.Fatal(err)
	}
	noProblems(t, inst.SetProps(Props{{Tag: mapi.PrImportance, Value: int32(2)}}))
	if _, _, err := tx.SaveInstance(inst, false); err != nil {
		t.Fatal(err)
	}
	o, err := tx.loadObject(messageTable, htmlOnly)
	if err != nil {
		t.Fatal(err)
	}
	for _, tag := range o.storedTags() {
		if tag.ID() == mapi.PrBody.ID() || tag.ID() == mapi.PrHTML.ID() {
			t.Errorf("%v stored", tag)
		}
	}
}
