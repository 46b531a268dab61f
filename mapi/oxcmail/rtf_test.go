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
// (MS-OXRTFEX), and plain text encapsulated in RTF.
var (
	rtfHTML = rtf.Compress([]byte(`{\rtf1\ansi\ansicpg1252\fromhtml1 \deff0{\fonttbl{\f0\fswiss Arial;}}` +
		"\r\n" + `{\*\htmltag19 <html>}{\*\htmltag50 <body>}{\*\htmltag64 <p>}\htmlrtf {\htmlrtf0 Gr\'fc\'dfe aus K\'f6ln` +
		`{\*\htmltag84 &lt;}\htmlrtf <\htmlrtf0 \htmlrtf \par}\htmlrtf0{\*\htmltag72 </p>}{\*\htmltag58 </body></html>}}`))
	rtfText = rtf.Compress([]byte(`{\rtf1\ansi\ansicpg1252\fromtext \deff0{\fonttbl{\f0\fswiss Arial;}}` +
		"\r\n" + `\uc1\pard\plain\f0\fs20 Hello from RTF,\par second line \'e4\par}`))
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
	// RTF that does not decode: the MIME body stays.
	m, err = Import(mimeWith(tnefPartHeader, winmailRTF([]byte("LZFu-ish"))), opt)
	if err != nil {
		t.Fatal(err)
	}
	if Get(m.Props, mapi.PrBody) != "MIME body" {
		t.Errorf("PR_BODY %q", Get(m.Props, mapi.PrBody))
	}
}
