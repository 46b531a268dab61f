package mailbox

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/mapi/oxcmail"
	"github.com/gromox-go/gromox/mapi/rtf"
)

// TestRichTextHTML reads a message whose only body is Outlook rich text
// (RTF that encapsulates no HTML): its PR_HTML is the RTF's formatting
// rendered, its PR_BODY the RTF's text, from the store's read path, an
// opened instance and a stream, and its export is a text and an HTML
// alternative.
func TestRichTextHTML(t *testing.T) {
	tx, _ := openFixtureTx(t)
	rich := rtf.Compress([]byte(`{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\fswiss\fcharset0 Calibri;}}` +
		`{\colortbl ;\red192\green0\blue0;}\viewkind4\uc1\pard\f0\fs20 The report is \b ready\b0 , see ` +
		`{\field{\*\fldinst{HYPERLINK "https://example.com/r?a=1&b=2"}}{\fldrslt{\ul\cf1 it}}}.\par}`))
	mid := saveMessage(t, tx, Props{{Tag: mapi.PrSubject, Value: "rich text"}, {Tag: mapi.PrRTFCompressed, Value: rich}})
	const (
		bold = `The report is <span style="font-weight:bold">ready</span>, see `
		link = `<a href="https://example.com/r?a=1&amp;b=2"><span style="text-decoration:underline;color:#c00000">it</span></a>.`
		text = "The report is ready, see it.\r\n"
	)
	tags := []mapi.PropTag{mapi.PrBody, mapi.PrHTML}
	p, err := tx.MessageProps(mid, tags)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := tx.OpenInstance(mapi.PrivateFIDInbox, mid, false)
	if err != nil {
		t.Fatal(err)
	}
	for src, p := range map[string]Props{"MessageProps": p, "instance": inst.GetProps(tags)} {
		v, _ := p.Get(mapi.PrHTML)
		html, _ := v.([]byte)
		if !bytes.Contains(html, []byte(bold)) || !bytes.Contains(html, []byte(link)) {
			t.Errorf("%s: PR_HTML %q", src, html)
		}
		if got := p.String(mapi.PrBody); got != text {
			t.Errorf("%s: PR_BODY %q", src, got)
		}
	}
	st, err := inst.OpenStream(mapi.PrHTML, StreamReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(st); !bytes.Contains(b, []byte(bold)) {
		t.Errorf("stream %q", b)
	}
	st.Close()
	mc, err := tx.ReadMessage(mid)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := oxcmail.Export(mc.Oxcmail(), oxcmail.ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"multipart/alternative", "Content-Type: text/plain; charset=utf-8", "Content-Type: text/html; charset=utf-8"} {
		if !strings.Contains(string(raw), w) {
			t.Errorf("no %q in\n%s", w, raw)
		}
	}
}
