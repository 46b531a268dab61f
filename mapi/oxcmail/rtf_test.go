package oxcmail

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/mapi/rtf"
	"github.com/gromox-go/gromox/mapi/tnef"
	tt "github.com/gromox-go/gromox/mapi/tnef/tneftest"
)

// Bodies Outlook keeps only as PR_RTF_COMPRESSED: HTML encapsulated in RTF
// (MS-OXRTFEX), plain text encapsulated in RTF, and rich text (RTF that
// encapsulates nothing).
var (
	rtfHTML = rtf.Compress([]byte(`{\rtf1\ansi\ansicpg1252\fromhtml1 \deff0{\fonttbl{\f0\fswiss Arial;}}` +
		"\r\n" + `{\*\htmltag19 <html>}{\*\htmltag50 <body>}{\*\htmltag64 <p>}\htmlrtf {\htmlrtf0 Gr\'fc\'dfe aus K\'f6ln` +
		`{\*\htmltag84 &lt;}\htmlrtf <\htmlrtf0 \htmlrtf \par}\htmlrtf0{\*\htmltag72 </p>}{\*\htmltag58 </body></html>}}`))
	rtfText = rtf.Compress([]byte(`{\rtf1\ansi\ansicpg1252\fromtext \deff0{\fonttbl{\f0\fswiss Arial;}}` +
		"\r\n" + `\uc1\pard\plain\f0\fs20 Hello from RTF,\par second line \'e4\par}`))
	rtfRich = rtf.Compress([]byte(`{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\fswiss\fcharset0 Calibri;}}` +
		"\r\n" + `{\colortbl ;\red192\green0\blue0;}\viewkind4\uc1\pard\f0\fs20 The report is \b ready\b0 , sales ` +
		`are {\cf1 up} \'fcber plan.\par}`))
)

// Rich text as rtfRich renders it, and its text.
const (
	rtfRichHTML = `The report is <span style="font-weight:bold">ready</span>, sales are <span style="color:#c00000">up</span> über plan.`
	rtfRichText = "The report is ready, sales are up über plan."
)

const rtfHTMLWant = "<html><body><p>Grüße aus Köln&lt;</p></body></html>"

func TestExportRTFOnly(t *testing.T) {
	for _, c := range []struct {
		name      string
		props     []mapi.PropVal
		want      []string // in the exported message
		body      string   // PR_BODY when imported again
		html      string   // part of PR_HTML when imported again
		wantPlain bool
	}{
		{"html", []mapi.PropVal{{Tag: mapi.PrRTFCompressed, Value: rtfHTML}},
			[]string{"Content-Type: text/html; charset=utf-8"}, "", rtfHTMLWant, false},
		{"text", []mapi.PropVal{{Tag: mapi.PrRTFCompressed, Value: rtfText}},
			[]string{"Content-Type: text/plain; charset=utf-8"}, "Hello from RTF,\r\nsecond line ä", "", true},
		{"text and html in rtf", []mapi.PropVal{{Tag: mapi.PrBody, Value: "plain body"}, {Tag: mapi.PrRTFCompressed, Value: rtfHTML}},
			[]string{"multipart/alternative", "Content-Type: text/html; charset=utf-8"}, "plain body", rtfHTMLWant, true},
		{"body wins over rtf text", []mapi.PropVal{{Tag: mapi.PrBody, Value: "plain body"}, {Tag: mapi.PrRTFCompressed, Value: rtfText}},
			nil, "plain body", "", true},
		{"corrupt rtf", []mapi.PropVal{{Tag: mapi.PrRTFCompressed, Value: []byte("garbage")}},
			[]string{"Content-Type: text/plain"}, "", "", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := &Message{Props: append([]mapi.PropVal{{Tag: mapi.PrSubject, Value: "RTF"}}, c.props...)}
			out := mustExport(t, m)
			checkWellFormed(t, c.name, out)
			for _, w := range c.want {
				if !bytes.Contains(out, []byte(w)) {
					t.Errorf("missing %q in\n%s", w, out)
				}
			}
			if got := bytes.Contains(out, []byte("text/plain")); got != c.wantPlain {
				t.Errorf("text/plain part %v in\n%s", got, out)
			}
			back := mustImport(t, string(out))
			if body, _ := Get(back.Props, mapi.PrBody).(string); c.body != "" && body != c.body {
				t.Errorf("body %q, want %q", body, c.body)
			}
			if html := string(propBytes(back.Props, mapi.PrHTML)); c.html != "" && html != c.html {
				t.Errorf("html %q, want %q", html, c.html)
			}
		})
	}
}

func TestExportRichText(t *testing.T) {
	// Rich text is a text and an HTML alternative, the HTML rendering its
	// formatting; a text body beside it is the text alternative.
	for _, c := range []struct {
		name  string
		props []mapi.PropVal
		body  string
	}{
		{"rtf only", []mapi.PropVal{{Tag: mapi.PrRTFCompressed, Value: rtfRich}}, rtfRichText},
		{"text and rtf", []mapi.PropVal{{Tag: mapi.PrBody, Value: "plain body"}, {Tag: mapi.PrRTFCompressed, Value: rtfRich}}, "plain body"},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := &Message{Props: append([]mapi.PropVal{{Tag: mapi.PrSubject, Value: "RTF"}}, c.props...)}
			out := mustExport(t, m)
			checkWellFormed(t, c.name, out)
			for _, w := range []string{"multipart/alternative", "Content-Type: text/plain; charset=utf-8", "Content-Type: text/html; charset=utf-8"} {
				if !bytes.Contains(out, []byte(w)) {
					t.Errorf("missing %q in\n%s", w, out)
				}
			}
			back := mustImport(t, string(out))
			if body, _ := Get(back.Props, mapi.PrBody).(string); strings.TrimSpace(body) != c.body {
				t.Errorf("body %q, want %q", body, c.body)
			}
			if html := string(propBytes(back.Props, mapi.PrHTML)); !strings.Contains(html, rtfRichHTML) {
				t.Errorf("html %q", html)
			}
		})
	}
}

func TestExportTextInRTF(t *testing.T) {
	// RTF made from plain text (\fromtext) stays a plain text message.
	for _, props := range [][]mapi.PropVal{
		{{Tag: mapi.PrRTFCompressed, Value: rtfText}},
		{{Tag: mapi.PrBody, Value: "plain body"}, {Tag: mapi.PrRTFCompressed, Value: rtfText}},
	} {
		out := mustExport(t, &Message{Props: append([]mapi.PropVal{{Tag: mapi.PrSubject, Value: "RTF"}}, props...)})
		if bytes.Contains(out, []byte("text/html")) || !bytes.Contains(out, []byte("Content-Type: text/plain")) {
			t.Errorf("exported\n%s", out)
		}
	}
}

// winmailRTF is a TNEF stream whose message body is only compressed RTF.
func winmailRTF(compressed []byte) []byte {
	return tt.New().
		Attr(tnef.LevelMessage, tnef.AttOemCodepage, append(tt.U32(1252), tt.U32(0)...)).
		Attr(tnef.LevelMessage, tnef.AttSubject, tt.String8("rich text")).
		Attr(tnef.LevelMessage, tnef.AttMsgProps, (&tt.Props{}).Add(mapi.PrRTFCompressed, compressed).Bytes()).
		Bytes()
}

func TestImportTNEFRTFOnly(t *testing.T) {
	opt := ImportOptions{Now: func() time.Time { return fixedNow }}
	// HTML in the RTF: it is PR_HTML; the MIME text stays PR_BODY.
	m, err := Import(mimeWith(tnefPartHeader, winmailRTF(rtfHTML)), opt)
	if err != nil {
		t.Fatal(err)
	}
	if html := string(propBytes(m.Props, mapi.PrHTML)); html != rtfHTMLWant {
		t.Errorf("PR_HTML %q", html)
	}
	if Get(m.Props, mapi.PrInternetCPID) != int32(65001) || Get(m.Props, mapi.PrBody) != "MIME body" {
		t.Errorf("cpid %v, body %q", Get(m.Props, mapi.PrInternetCPID), Get(m.Props, mapi.PrBody))
	}
	if !bytes.Equal(propBytes(m.Props, mapi.PrRTFCompressed), rtfHTML) {
		t.Errorf("PR_RTF_COMPRESSED not kept")
	}
	// Text in the RTF: it replaces the MIME text, with its HTML rendering.
	m, err = Import(mimeWith(tnefPartHeader, winmailRTF(rtfText)), opt)
	if err != nil {
		t.Fatal(err)
	}
	if body := Get(m.Props, mapi.PrBody); body != "Hello from RTF,\r\nsecond line ä\r\n" {
		t.Errorf("PR_BODY %q", body)
	}
	if html := string(propBytes(m.Props, mapi.PrHTML)); !strings.Contains(html, "second line ä") {
		t.Errorf("PR_HTML %q", html)
	}
	// Rich text: its text replaces the MIME text, its rendering is the
	// HTML.
	m, err = Import(mimeWith(tnefPartHeader, winmailRTF(rtfRich)), opt)
	if err != nil {
		t.Fatal(err)
	}
	if body := Get(m.Props, mapi.PrBody); body != rtfRichText+"\r\n" {
		t.Errorf("PR_BODY %q", body)
	}
	if html := string(propBytes(m.Props, mapi.PrHTML)); !strings.Contains(html, rtfRichHTML) || Get(m.Props, mapi.PrInternetCPID) != int32(65001) {
		t.Errorf("PR_HTML %q, cpid %v", html, Get(m.Props, mapi.PrInternetCPID))
	}
	// RTF that does not decode: the MIME body stays.
	m, err = Import(mimeWith(tnefPartHeader, winmailRTF([]byte("LZFu-ish"))), opt)
	if err != nil {
		t.Fatal(err)
	}
	if Get(m.Props, mapi.PrBody) != "MIME body" {
		t.Errorf("PR_BODY %q", Get(m.Props, mapi.PrBody))
	}
}
