package rtf

import (
	"errors"
	"strings"
	"testing"
)

// outlookHTML is RTF-encapsulated HTML in the shape Outlook writes it
// (MS-OXRTFEX 2.1.3.2, 3.1): the markup in \*\htmltag groups, the text
// between them, RTF-only formatting inside \htmlrtf ... \htmlrtf0.
const outlookHTML = `{\rtf1\ansi\ansicpg1252\fromhtml1 \fbidis \deff0{\fonttbl
{\f0\fswiss\fcharset0 Arial;}
{\f1\fmodern Courier New;}
{\f2\fnil\fcharset2 Symbol;}
{\f3\fswiss\fcharset204 Calibri;}}
{\colortbl\red0\green0\blue0;\red5\green99\blue193;}
\uc1\pard\plain\deftab360 \f0\fs24 
{\*\htmltag19 <html>}
{\*\htmltag34 <head>}
{\*\htmltag1 \par }
{\*\htmltag241 <style>}
{\*\htmltag241 \par p.MsoNormal \{margin:0cm;\}\par }
{\*\htmltag249 </style>}
{\*\htmltag41 </head>}
{\*\htmltag50 <body lang="DE" title="caf\'e9 \u8364?">}\htmlrtf \lang1031 \htmlrtf0 
{\*\htmltag64 <p class=MsoNormal>}\htmlrtf {\htmlrtf0 Gr\'fc\'dfe aus K\'f6ln \endash  caf\u233\'e9 {\*\htmltag84 &lt;}\htmlrtf <\htmlrtf0 test{\*\htmltag84 &gt;}\htmlrtf >\htmlrtf0 
{\*\htmltag116 <br>}\htmlrtf \line
\htmlrtf0 \u8364?{\f3 \'cf\'f0\'e8}
{\*\mhtmltag84 <img src="cid:rewritten">}{\*\htmltag84 <img src="cid:image001.png">}
{\*\htmltag244 <o:p>}
{\*\htmltag252 </o:p>}\htmlrtf \par
}\htmlrtf0 
{\*\htmltag72 </p>}
{\*\htmltag58 </body>}
{\*\htmltag27 </html>}}`

func TestHTML(t *testing.T) {
	html, ok, err := HTML([]byte(outlookHTML))
	if err != nil || !ok {
		t.Fatalf("ok %v, err %v", ok, err)
	}
	want := "<html><head>\r\n<style>\r\np.MsoNormal {margin:0cm;}\r\n</style></head>" +
		`<body lang="DE" title="café €"><p class=MsoNormal>Grüße aus Köln – café &lt;test&gt;<br>€При` +
		`<img src="cid:image001.png"><o:p></o:p></p></body></html>`
	if string(html) != want {
		t.Errorf("got\n%q\nwant\n%q", html, want)
	}
}

func TestHTMLOfTheSpecExample(t *testing.T) {
	// The start of MS-OXRTFEX 3.1's example: \htmlrtf groups restore the
	// state of their parent, \'hh inside \htmltag is the default code page.
	rtf := `{\rtf1\ANSI\ansicpg1251\fromhtml1 \deff0
{\fonttbl {\f0\fmodern Courier New;}{\f1\fswiss Arial;}{\f2\fswiss\fcharset0 Arial;}}
{\colortbl\red0\green0\blue0;\red0\green0\blue255;}
{\*\htmltag64}
\uc1\pard\plain\deftab360 \f0\fs24
{\*\htmltag <p\par
class="MsoNormal">}
{\htmlrtf \f1 \htmlrtf0 Note the line break inside a P tag. {\*\htmltag <b>}{\htmlrtf \b \htmlrtf0 This is a bold text{\*\htmltag </b>}} \htmlrtf\par\htmlrtf0}
\htmlrtf \par \htmlrtf0
{\*\htmltag </p>\par
<p class="MsoNormal">\par}
{\htmlrtf \f1 \htmlrtf0 Characters: {\*\htmltag &nbsp;}\htmlrtf \'a0\htmlrtf0  {\*\htmltag &lt;}\htmlrtf <\htmlrtf0  {\*\htmltag &uml;}\htmlrtf {\f2\'a8}\htmlrtf0{\*\htmltag <br>\par}\htmlrtf\line\htmlrtf0
special in RTF: \{\}\\{\*\htmltag <br>\par}\htmlrtf\line\htmlrtf0\htmlrtf\par\htmlrtf0}
{\*\htmltag </p>\par \'c4}}`
	html, ok, err := HTML([]byte(rtf))
	if err != nil || !ok {
		t.Fatalf("ok %v, err %v", ok, err)
	}
	want := "<p\r\nclass=\"MsoNormal\">Note the line break inside a P tag. <b>This is a bold text</b> " +
		"</p>\r\n<p class=\"MsoNormal\">\r\nCharacters: &nbsp; &lt; &uml;<br>\r\n" +
		"special in RTF: {}\\<br>\r\n</p>\r\nД"
	if string(html) != want {
		t.Errorf("got\n%q\nwant\n%q", html, want)
	}
}

func TestHTMLNotEncapsulated(t *testing.T) {
	for _, rtf := range []string{plainRTF, fromText, `{\rtf1 text \fromhtml1 late}`} {
		html, ok, err := HTML([]byte(rtf))
		if ok || err != nil || html != nil {
			t.Errorf("%.30q: %q, %v, %v", rtf, html, ok, err)
		}
	}
}

// plainRTF is the kind of RTF WordPad or Outlook's RTF editor writes.
const plainRTF = `{\rtf1\ansi\ansicpg1251\deff0\nouicompat\deflang1049{\fonttbl{\f0\fnil\fcharset204 Calibri;}{\f1\fnil\fcharset0 Calibri;}}
{\colortbl ;\red255\green0\blue0;}
{\stylesheet{\s0 Normal;}}{\info{\author Somebody}{\title The title}}
{\*\generator Riched20 10.0.19041}\viewkind4\uc1 
\pard\sa200\sl276\slmult1\f0\fs22\lang1049\'cf\'f0\'e8\'e2\'e5\'f2\f1\lang1033 , world!\par
Tab\tab stop \emdash  \ldblquote quoted\rdblquote\line next\par
{\field{\*\fldinst{HYPERLINK "http://example.com/"}}{\fldrslt{\ul\cf1 link}}}\par
{\pict\wmetafile8\picw100\pich100 0102030405060708}{\header header text}\uc2\u21644\'98\'61x\u-10179??\u-8704??\par
\bin3 {}}x\par
}`

// fromText is a plain text body encapsulated by Outlook (\fromtext).
const fromText = `{\rtf1\ansi\ansicpg1252\fromtext \fbidis \deff0{\fonttbl
{\f0\fswiss Arial;}
{\f1\fmodern Courier New;}
{\f2\fnil\fcharset2 Symbol;}
{\f3\fmodern\fcharset0 Courier New;}}
{\colortbl\red0\green0\blue0;\red0\green0\blue255;}
\uc1\pard\plain\deftab360 \f0\fs20 Hello,\par
\par
second line \'e4\par
}`

func TestText(t *testing.T) {
	for name, tc := range map[string]struct{ rtf, want string }{
		"plain":          {plainRTF, "Привет, world!\r\nTab\tstop — “quoted”\r\nnext\r\nlink\r\n和x😀\r\nx\r\n"},
		"fromtext":       {fromText, "Hello,\r\n\r\nsecond line ä\r\n"},
		"fromhtml":       {outlookHTML, "Grüße aus Köln – café <test>\r\n€При\r\n"},
		"shift_jis":      {`{\rtf1\ansi\ansicpg932 \'82\'a0\'82\'a2 ok}`, "あい ok"},
		"symbols":        {`{\rtf1 a\~b\_c\-d\|e\\\{\}\bullet}`, "a\u00a0b\u2011cde\\{}•"},
		"lone surrogate": {`{\rtf1\uc0 \u-10179 x\u-8704 y\u-10179}`, "\ufffdx\ufffdy\ufffd"},
		"unbalanced":     {`{\rtf1 open {group`, "open group"},
		"extra close":    {`{\rtf1 done} ignored}`, "done"},
		"leading space":  {"\r\n {\\rtf1 x}", "x"},
	} {
		got, err := Text([]byte(tc.rtf))
		if err != nil || got != tc.want {
			t.Errorf("%s: got %q, %v; want %q", name, got, err, tc.want)
		}
	}
}

func TestReaderErrors(t *testing.T) {
	if _, err := Text([]byte("hello")); !errors.Is(err, ErrNotRTF) {
		t.Errorf("not RTF: %v", err)
	}
	if _, _, err := HTML([]byte("<html>")); !errors.Is(err, ErrNotRTF) {
		t.Errorf("not RTF: %v", err)
	}
	deep := `{\rtf1 ` + strings.Repeat("{", maxDepth+1)
	if _, err := Text([]byte(deep)); !errors.Is(err, ErrTooDeep) {
		t.Errorf("deep: %v", err)
	}
}

func TestFromCompressed(t *testing.T) {
	html, text, err := FromCompressed(Compress([]byte(outlookHTML)))
	if err != nil || text != "" || !strings.HasPrefix(string(html), "<html><head>") {
		t.Errorf("HTML body: %.20q, %q, %v", html, text, err)
	}
	// Text encapsulated in RTF is text only.
	html, text, err = FromCompressed(Compress([]byte(fromText)))
	if err != nil || html != nil || text != "Hello,\r\n\r\nsecond line ä\r\n" {
		t.Errorf("text body: %q, %q, %v", html, text, err)
	}
	// Rich text is its text and its rendering.
	html, text, err = FromCompressed(Compress([]byte(outlookRichText)))
	if err != nil || !strings.Contains(string(html), `<span style="font-weight:bold">ready</span>`) ||
		!strings.HasPrefix(text, "Hello Anna,\r\n\r\nthe quarterly report is ready: sales are up 12% über plan.") {
		t.Errorf("rich text body: %q, %q, %v", html, text, err)
	}
	if _, _, err := FromCompressed([]byte("junk")); !errors.Is(err, ErrCorrupt) {
		t.Errorf("junk: %v", err)
	}
	if _, _, err := FromCompressed(Compress([]byte("not rtf"))); !errors.Is(err, ErrNotRTF) {
		t.Errorf("not RTF: %v", err)
	}
}

// BenchmarkFromCompressed measures an RTF-only body of about 100 KB of
// encapsulated HTML turned into its HTML, as export and read do.
func BenchmarkFromCompressed(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{\rtf1\ansi\ansicpg1252\fromhtml1 \deff0{\fonttbl{\f0\fswiss Arial;}}{\*\htmltag19 <html>}`)
	for sb.Len() < 100_000 {
		sb.WriteString(`{\*\htmltag64 <p class=MsoNormal>}\htmlrtf {\htmlrtf0 Gr\'fc\'dfe aus K\'f6ln \u8364?{\*\htmltag84 &lt;}\htmlrtf <\htmlrtf0 \htmlrtf \par}\htmlrtf0{\*\htmltag72 </p>}` + "\r\n")
	}
	sb.WriteString(`{\*\htmltag27 </html>}}`)
	c := Compress([]byte(sb.String()))
	b.SetBytes(int64(sb.Len()))
	for b.Loop() {
		if html, _, err := FromCompressed(c); err != nil || html == nil {
			b.Fatal(err)
		}
	}
}
