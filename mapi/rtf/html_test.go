package rtf

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// richText wraps body in the header Outlook's and WordPad's RTF have: a
// font table (Arial the default, a Cyrillic Times, Courier New, Symbol),
// a color table whose first entry is "auto", and a first paragraph whose
// text, Arial 10pt, is most of the document's: the body's font.
func richText(body string) string {
	return `{\rtf1\ansi\ansicpg1252\deff0\deflang1033{\fonttbl{\f0\fswiss\fcharset0 Arial;}` +
		`{\f1\froman\fcharset204 Times New Roman;}{\f2\fmodern Courier New;}{\f3\fnil\fcharset2 Symbol;}}` + "\r\n" +
		`{\colortbl ;\red255\green0\blue0;\red0\green0\blue255;\red255\green255\blue0;}` + "\r\n" +
		`{\*\generator Riched20 10.0.19041}\viewkind4\uc1\pard\f0\fs20 ` + leadText + `\par ` + body + `}`
}

const leadText = "Dear reader, this is the body of the message."

func TestToHTML(t *testing.T) {
	const tab = `<span style="white-space:pre">` + "\t</span>"
	for _, c := range []struct {
		name    string
		body    string
		want    []string // fragments of the output
		notWant []string
	}{
		{"paragraphs", `one\par two\par`, []string{"<p>one</p>\r\n<p>two</p>\r\n</body>"}, []string{"<p><br></p>"}},
		{"empty paragraph", `a\par\par b`, []string{"<p>a</p>\r\n<p><br></p>\r\n<p>b</p>"}, nil},
		{"alignment", `\qc centered\par\pard\qr right\par\pard\qj justified\par\pard\qc\ql left\par`,
			[]string{`<p style="text-align:center">centered</p>`, `<p style="text-align:right">right</p>`,
				`<p style="text-align:justify">justified</p>`, `<p>left</p>`}, nil},
		{"alignment at the paragraph mark", `centered {\b later}\qc\par`,
			[]string{`<p style="text-align:center">centered`}, nil},
		{"indents and spacing", `\li720\ri360\fi-360\sb120\sa200 x\par`,
			[]string{`<p style="margin-left:36pt;margin-right:18pt;text-indent:-18pt;margin-top:6pt;margin-bottom:10pt">x</p>`}, nil},
		{"line break", `a\line b`, []string{"<p>a<br>b</p>"}, nil},
		{"tab", `a\tab b`, []string{"<p>a" + tab + "b</p>"}, nil},
		{"spaces", `  a   b`, []string{"<p>&nbsp; a &nbsp; b</p>"}, nil},
		{"bold", `a {\b bold} c`, []string{`<p>a <span style="font-weight:bold">bold</span> c</p>`}, nil},
		{"bold off", `\b x\b0 y`, []string{`<span style="font-weight:bold">x</span>y`}, nil},
		{"italic", `{\i it}\i x\i0 y`, []string{`<span style="font-style:italic">itx</span>y`}, nil},
		{"underline", `{\ul u}{\uldb d}\ul x\ulnone y\ul z\ul0 w`,
			[]string{`<span style="text-decoration:underline">udx</span>y<span style="text-decoration:underline">z</span>w`}, nil},
		{"strike", `\strike s\strike0 n`, []string{`<span style="text-decoration:line-through">s</span>n`}, nil},
		{"underline and strike", `{\ul\strike us}`, []string{`<span style="text-decoration:underline line-through">us</span>`}, nil},
		{"bold italic", `{\b\i bi}`, []string{`<span style="font-weight:bold;font-style:italic">bi</span>`}, nil},
		{"one span for equal formats", `{\b a}{\b b}\b c`, []string{`<span style="font-weight:bold">abc</span>`}, nil},
		{"span closed by paragraph", `{\b a\par b}`,
			[]string{`<p><span style="font-weight:bold">a</span></p>` + "\r\n" + `<p><span style="font-weight:bold">b</span></p>`}, nil},
		{"plain", `\b\i\f2\fs40\cf1 x\plain y`, []string{`<span style="font-family:'Courier New',monospace;font-size:20pt;` +
			`font-weight:bold;font-style:italic;color:#ff0000">x</span><span style="font-size:12pt">y</span>`}, nil},
		{"font", `a{\f2 code}`, []string{`<span style="font-family:'Courier New',monospace">code</span>`}, nil},
		{"body font", `a`, []string{`<body style="font-family:'Arial',sans-serif;font-size:10pt">` + "\r\n<p>" + leadText + "</p>"}, nil},
		{"font size", `{\fs32 big}{\fs21 half}`, []string{`<span style="font-size:16pt">big</span><span style="font-size:10.5pt">half</span>`}, nil},
		{"color", `{\cf1 red}{\cf0 auto}{\cf9 none}`, []string{`<span style="color:#ff0000">red</span>autonone`}, nil},
		{"highlight", `{\highlight3 hi}{\highlight0 no}`, []string{`<span style="background-color:#ffff00">hi</span>no`}, nil},
		{"background", `{\cb2 bg}`, []string{`<span style="background-color:#0000ff">bg</span>`}, nil},
		{"superscript", `x{\super 2}`, []string{`x<span style="font-size:6.5pt;vertical-align:super">2</span>`}, nil},
		{"subscript", `H\sub 2\nosupersub O`, []string{`H<span style="font-size:6.5pt;vertical-align:sub">2</span>O`}, nil},
		{"hyperlink", `see {\field{\*\fldinst HYPERLINK "https://example.com/a?b=1&c=2"}{\fldrslt example}} now`,
			[]string{`see <a href="https://example.com/a?b=1&amp;c=2">example</a> now`}, nil},
		{"hyperlink formatted", `{\field{\fldinst{HYPERLINK "http://example.com/" }}{\fldrslt{\ul\cf2 link}}}`,
			[]string{`<a href="http://example.com/"><span style="text-decoration:underline;color:#0000ff">link</span></a>`}, nil},
		{"mailto", `{\field{\*\fldinst{HYPERLINK "mailto:a@example.com"}}{\fldrslt a@example.com}}`,
			[]string{`<a href="mailto:a@example.com">a@example.com</a>`}, nil},
		{"hyperlink url escaped", `{\field{\*\fldinst HYPERLINK http://x/<b>"'&amp;}{\fldrslt t}}`,
			[]string{`<a href="http://x/%3Cb%3E%22'&amp;amp;">t</a>`}, nil},
		{"hyperlink across paragraphs", `{\field{\*\fldinst HYPERLINK "http://x/"}{\fldrslt a\par b}}`,
			[]string{`<p><a href="http://x/">a</a></p>` + "\r\n" + `<p><a href="http://x/">b</a></p>`}, nil},
		{"javascript link", `{\field{\*\fldinst HYPERLINK "javascript:alert(1)"}{\fldrslt click}}`,
			[]string{"<p>click</p>"}, []string{"<a", "javascript"}},
		{"javascript link in pieces", `{\field{\*\fldinst {HYPERLINK " Java}{\tab Script:alert(1)"}}{\fldrslt click}}`,
			[]string{"<p>click</p>"}, []string{"<a"}},
		{"data link", `{\field{\*\fldinst HYPERLINK "data:text/html,<script>x</script>"}{\fldrslt d}}`,
			[]string{"<p>d</p>"}, []string{"<a", "script"}},
		{"link within the document", `{\field{\*\fldinst HYPERLINK \\l "top"}{\fldrslt up}}`, []string{"<p>up</p>"}, []string{"<a"}},
		{"other field", `{\field{\*\fldinst PAGE}{\fldrslt 7}}`, []string{"<p>7</p>"}, []string{"<a", "PAGE"}},
		{"escaped text", `a < b > c & "d" 'e' \{\}\\`, []string{"<p>a &lt; b &gt; c &amp; &#34;d&#34; &#39;e&#39; {}\\</p>"}, nil},
		{"unicode", `\u8364? {\uc2\u8364??x}\u-10179?\u-8704?`, []string{"<p>€ €x😀</p>"}, []string{"?"}},
		{"windows-1251 font", `{\f1 \'cf\'f0\'e8\'e2\'e5\'f2}`,
			[]string{`<span style="font-family:'Times New Roman',serif">Привет</span>`}, nil},
		{"no-break symbols", `a\~b\_c`, []string{"<p>a&nbsp;b\u2011c</p>"}, nil},
		{"bullet list", `{\pntext\f3\'b7\tab}{\*\pn\pnlvlblt\pnf3\pnindent0{\pntxtb\'b7}}\fi-360\li720 item\par` +
			`{\listtext\pard\plain\f3\fs20 \'b7\tab}second\par`,
			[]string{`<p style="margin-left:36pt;text-indent:-18pt"><span style="font-family:'Symbol'">·` + tab + `</span>item</p>`,
				`<span style="font-family:'Symbol'">·` + tab + `</span>second</p>`}, []string{"··"}},
		{"destinations", `{\*\generator Foo}{\info{\title Title}}{\pict\pngblip 89504e47}{\stylesheet{\s0 Normal;}}` +
			`{\header header text}{\*\bkmkstart mark}shown`, []string{"<p>shown</p>"}, []string{"Foo", "Title", "89504e47", "Normal", "header text", "mark"}},
		{"control characters", `a\u0?b\u7?c`, []string{"<p>abc</p>"}, nil},
		{"table", `\trowd\cellx1000\cellx2000\pard\intbl a\cell {\b b}\par c\cell\row\pard after\par`,
			[]string{"<table style=\"border-collapse:collapse\">\r\n" +
				`<tr><td style="vertical-align:top;padding:0 4pt"><p>a</p>` + "\r\n" +
				`</td><td style="vertical-align:top;padding:0 4pt"><p><span style="font-weight:bold">b</span></p>` + "\r\n" +
				"<p>c</p>\r\n</td></tr>\r\n</table>\r\n<p>after</p>"}, nil},
		{"table borders and empty cells", `\trowd\clbrdrt\brdrs\cellx1000\cellx2000\pard\intbl\cell x\cell\row`,
			[]string{`<tr><td style="vertical-align:top;padding:0 4pt;border:1px solid"></td><td style="vertical-align:top;padding:0 4pt;border:1px solid"><p>x</p>` +
				"\r\n</td></tr>\r\n</table>\r\n</body>"}, nil},
		{"table rows", `\trowd\cellx1000\intbl a\cell\row\trowd\cellx1000\intbl b\cell\row`,
			[]string{"<p>a</p>\r\n</td></tr>\r\n<tr><td"}, []string{"</table>\r\n<table"}},
	} {
		html, err := ToHTML([]byte(richText(c.body)))
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if err := checkHTML(string(html)); err != nil {
			t.Errorf("%s: %v in\n%s", c.name, err, html)
		}
		for _, w := range c.want {
			if !strings.Contains(string(html), w) {
				t.Errorf("%s: no %q in\n%s", c.name, w, html)
			}
		}
		for _, w := range c.notWant {
			if strings.Contains(strings.ToLower(string(html)), strings.ToLower(w)) {
				t.Errorf("%s: %q in\n%s", c.name, w, html)
			}
		}
	}
}

// outlookRichText is a message body as Outlook writes it in its rich
// text format: Calibri 10pt, a bold word, a colored word, a link.
const outlookRichText = `{\rtf1\ansi\ansicpg1252\deff0\nouicompat\deflang1031{\fonttbl{\f0\fswiss\fcharset0 Calibri;}{\f1\fnil\fcharset2 Symbol;}}
{\colortbl ;\red0\green0\blue255;\red192\green0\blue0;}
{\*\generator Riched20 16.0.17928}\viewkind4\uc1 
\pard\f0\fs20\lang1031 Hello Anna,\par
\par
the quarterly report is \b ready\b0 : sales are {\cf2 up 12%} \'fcber plan. See {\field{\*\fldinst{HYPERLINK "https://intranet.example.com/reports?q=3&y=2025" }}{\fldrslt{\ul\cf1\cf1\ul the report}}}\f0\fs20  for details.\par
\par
Best regards,\par
Bob\par
}
`

func TestToHTMLOutlookRichText(t *testing.T) {
	html, err := ToHTML([]byte(outlookRichText))
	if err != nil {
		t.Fatal(err)
	}
	want := "<!DOCTYPE html>\r\n<html><head><meta charset=\"utf-8\"><style>p{margin:0}</style></head>\r\n" +
		`<body style="font-family:'Calibri',sans-serif;font-size:10pt">` + "\r\n" +
		"<p>Hello Anna,</p>\r\n<p><br></p>\r\n" +
		`<p>the quarterly report is <span style="font-weight:bold">ready</span>: sales are <span style="color:#c00000">up 12%</span> über plan. ` +
		`See <a href="https://intranet.example.com/reports?q=3&amp;y=2025"><span style="text-decoration:underline;color:#0000ff">the report</span></a> for details.</p>` + "\r\n" +
		"<p><br></p>\r\n<p>Best regards,</p>\r\n<p>Bob</p>\r\n</body></html>\r\n"
	if string(html) != want {
		t.Errorf("got\n%s\nwant\n%s", html, want)
	}
	if err := checkHTML(string(html)); err != nil {
		t.Error(err)
	}
}

func TestToHTMLOfEncapsulations(t *testing.T) {
	// RTF made from plain text renders its text; RTF encapsulating HTML
	// renders its RTF side, never the HTML (which HTML returns).
	for name, c := range map[string]struct {
		rtf, want string
	}{
		"fromtext": {fromText, "<p>Hello,</p>\r\n<p><br></p>\r\n<p>second line ä</p>"},
		"fromhtml": {outlookHTML, "<p>Grüße aus Köln – café &lt;test&gt;<br>€<span style=\"font-family:'Calibri',sans-serif\">При</span></p>"},
		"wordpad":  {plainRTF, `<a href="http://example.com/"><span style="text-decoration:underline;color:#ff0000">link</span></a>`},
	} {
		html, err := ToHTML([]byte(c.rtf))
		if err != nil || !strings.Contains(string(html), c.want) {
			t.Errorf("%s: %v\n%s", name, err, html)
		}
		if err := checkHTML(string(html)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestToHTMLErrors(t *testing.T) {
	if _, err := ToHTML([]byte("<html>")); !errors.Is(err, ErrNotRTF) {
		t.Errorf("not RTF: %v", err)
	}
	if _, err := ToHTML([]byte(`{\rtf1 ` + strings.Repeat("{", maxDepth+1))); !errors.Is(err, ErrTooDeep) {
		t.Errorf("deep: %v", err)
	}
	// Unbalanced RTF still makes a balanced document.
	html, err := ToHTML([]byte(richText(`\trowd\intbl {\field{\*\fldinst HYPERLINK "http://x/"}{\fldrslt {\b open`)))
	if err != nil || !strings.Contains(string(html), `<a href="http://x/"><span style="font-weight:bold">open</span></a></p>`) {
		t.Errorf("%s, %v", html, err)
	}
	if err := checkHTML(string(html)); err != nil {
		t.Error(err)
	}
}

// The elements ToHTML writes, with the parents each may have.
var htmlParents = map[string]string{
	"html": "", "head": "html", "meta": "head", "style": "head", "body": "html",
	"p": "body td", "table": "body td", "tr": "table", "td": "tr",
	"span": "p span a", "a": "p span", "br": "p span a",
}

var (
	tagPattern  = regexp.MustCompile(`^<(/?)([a-z]+)((?: [a-z-]+="[^"<>]*")*)>`)
	textPattern = regexp.MustCompile(`^(?:[^<>&]|&(?:amp|lt|gt|nbsp|#[0-9]+);)*`)
)

// checkHTML checks what a browser would parse as written: known elements
// at places they may be, each closed in order (br and meta are void),
// attribute values quoted, text with < > & escaped, valid UTF-8.
func checkHTML(doc string) error {
	if !utf8.ValidString(doc) {
		return errors.New("not UTF-8")
	}
	s, ok := strings.CutPrefix(doc, "<!DOCTYPE html>\r\n")
	if !ok {
		return errors.New("no doctype")
	}
	var open []string
	for s != "" {
		if !strings.HasPrefix(s, "<") {
			text := textPattern.FindString(s)
			if text == "" {
				return fmt.Errorf("bad text at %.40q", s)
			}
			if len(open) == 0 && strings.TrimSpace(text) != "" {
				return fmt.Errorf("text outside the document: %q", text)
			}
			s = s[len(text):]
			continue
		}
		m := tagPattern.FindStringSubmatch(s)
		if m == nil {
			return fmt.Errorf("bad tag at %.40q", s)
		}
		s = s[len(m[0]):]
		name := m[2]
		parents, known := htmlParents[name]
		switch {
		case !known:
			return fmt.Errorf("unknown element %q", name)
		case m[1] == "/":
			if len(open) == 0 || open[len(open)-1] != name {
				return fmt.Errorf("</%s> closes %v", name, open)
			}
			open = open[:len(open)-1]
			continue
		case len(open) == 0 && parents != "" || len(open) > 0 && !strings.Contains(" "+parents+" ", " "+open[len(open)-1]+" "):
			return fmt.Errorf("<%s> in %v", name, open)
		}
		if name == "style" {
			css, rest, ok := strings.Cut(s, "</style>")
			if !ok || css != "p{margin:0}" {
				return fmt.Errorf("style %.40q", s)
			}
			s = rest
			continue
		}
		if name != "br" && name != "meta" {
			open = append(open, name)
		}
	}
	if len(open) > 0 {
		return fmt.Errorf("unclosed %v", open)
	}
	return nil
}

func TestCheckHTML(t *testing.T) {
	// The checker finds what it is for.
	const ok = "<!DOCTYPE html>\r\n<html><head><meta charset=\"utf-8\"></head><body><p>a<br>b &amp; c</p></body></html>"
	if err := checkHTML(ok); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{
		strings.Replace(ok, "</p>", "", 1),
		strings.Replace(ok, "<p>a", "<p><span>a", 1),
		strings.Replace(ok, "<p>a", "<span>a", 1),
		strings.Replace(ok, "&amp;", "&", 1),
		strings.Replace(ok, "b ", "<script>", 1),
		strings.Replace(ok, `"utf-8"`, `utf-8`, 1),
		strings.Replace(ok, "a<br>", "a>", 1),
		strings.Replace(ok, "<!DOCTYPE html>\r\n", "", 1),
	} {
		if checkHTML(bad) == nil {
			t.Errorf("passed: %q", bad)
		}
	}
}

// BenchmarkToHTML measures rendering about 100 KB of Outlook rich text.
func BenchmarkToHTML(b *testing.B) {
	var sb strings.Builder
	_, body, _ := strings.Cut(outlookRichText, `\pard`)
	sb.WriteString(outlookRichText[:len(outlookRichText)-len(body)])
	for sb.Len() < 100_000 {
		sb.WriteString(strings.TrimSuffix(strings.TrimSpace(body), "}"))
	}
	sb.WriteString("}")
	rtf := []byte(sb.String())
	b.SetBytes(int64(len(rtf)))
	for b.Loop() {
		if _, err := ToHTML(rtf); err != nil {
			b.Fatal(err)
		}
	}
}
