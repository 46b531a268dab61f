package rtf

// ToHTML renders the formatting of RTF that encapsulates no HTML, as
// upstream's rtf_to_html does for Outlook's rich text. A first reading
// finds the font and size of most of the text, the body's. The second
// keeps the character and paragraph formatting of each group, flushes
// its text before every control word and group boundary, and hands each
// run to the renderer with the CSS of what its format has beyond the
// body's. The renderer opens and closes <a> and <span> where the run's
// link and CSS differ from the open ones, and wraps each finished
// paragraph in a <p>, inside table cells for \intbl paragraphs. Text and
// attribute values are always escaped, and only hyperlinks of safe
// schemes become links.

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gromox-go/gromox/mapi/codepage"
)

// ToHTML returns an HTML document, in UTF-8, rendering an RTF document
// ([MSFT-RTF]): its paragraphs with their alignment and indents, line
// breaks, tabs, bold, italic, underline, strikethrough, super- and
// subscript, fonts, sizes, text and background colors, hyperlink fields
// (http, https, mailto, ftp, tel) and simple tables. The destinations
// Text skips (pictures included) render nothing. For the HTML a document
// encapsulates (\fromhtml1) see HTML; ToHTML renders its RTF side.
func ToHTML(rtf []byte) ([]byte, error) {
	c := newReader(modeRender)
	c.census = &census{}
	if err := c.read(rtf); err != nil {
		return nil, err
	}
	r := newReader(modeRender)
	r.base = c.census.base(c)
	if err := r.read(rtf); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString("<!DOCTYPE html>\r\n<html><head><meta charset=\"utf-8\"><style>p{margin:0}</style></head>\r\n<body")
	if r.base.set {
		var css cssDecls
		css.add("font-family", r.base.family)
		css.add("font-size", points(r.base.size, 2))
		fmt.Fprintf(&b, ` style="%s"`, escapeAttr(css.String()))
	}
	b.WriteString(">\r\n")
	b.Write(r.render.body.Bytes())
	b.WriteString("</body></html>\r\n")
	return b.Bytes(), nil
}

// charFormat is the character formatting ToHTML renders ([MSFT-RTF]
// "Character Formatting Properties"); the zero value is that of \plain.
type charFormat struct {
	bold, italic, underline, strike bool
	vert                            int8 // vertSuper, vertSub or 0
	size                            int  // \fsN in half-points, 0 for the default 24
	color                           int  // \cfN as N+1, 0 for the default color
	background                      int  // \highlightN, \cbN or \chcbpatN as N+1, 0 for none
}

const (
	vertSuper = 1 // \super
	vertSub   = 2 // \sub
)

// defaultSize is the font size of \plain in half-points.
const defaultSize = 24

// paraFormat is the paragraph formatting ToHTML renders ([MSFT-RTF]
// "Paragraph Formatting Properties"); the zero value is that of \pard.
type paraFormat struct {
	align   string // CSS text-align of \qc, \qr, \qj; "" for \ql
	inTable bool   // \intbl
	// \li, \ri, \fi, \sb and \sa in twips.
	left, right, first, before, after int
}

// baseFormat is the font and size of most of a document's text, the
// body's; a <span> states only what differs from them.
type baseFormat struct {
	set        bool
	font, size int
	family     string // CSS font-family of font
}

// census counts the characters of each font and size.
type census struct {
	formats []baseFormat
	chars   []int
}

// maxCensus bounds the fonts and sizes a census tells apart.
const maxCensus = 256

// count adds n characters in the reader's current font and size.
func (c *census) count(r *reader, n int) {
	font, size := r.fontAndSize()
	for i, f := range c.formats {
		if f.font == font && f.size == size {
			c.chars[i] += n
			return
		}
	}
	if len(c.formats) < maxCensus {
		c.formats = append(c.formats, baseFormat{set: true, font: font, size: size})
		c.chars = append(c.chars, n)
	}
}

// base is the font and size of most characters, the first of those with
// as many; not set for a document without text.
func (c *census) base(r *reader) baseFormat {
	var b baseFormat
	most := 0
	for i, n := range c.chars {
		if n > most {
			b, most = c.formats[i], n
		}
	}
	if b.set {
		b.family = r.fontFamily(b.font)
	}
	return b
}

// color is a \colortbl entry; not set for the "auto" color.
type color struct {
	r, g, b uint8
	set     bool
}

// Bounds on what a document defines, so that a hostile one cannot make
// the reader keep much.
const (
	maxTableEntries = 1 << 12 // fonts and colors
	maxFontName     = 64      // bytes of a font's name
	maxInstruction  = 4096    // bytes of a field instruction
	maxTwips        = 31680   // 22 inches: paragraph indents and spacing
	maxSize         = 3276    // half-points: \fsN
)

// fontFamilies are the CSS generic families of the font table's families.
var fontFamilies = map[string]string{
	"froman": "serif", "fswiss": "sans-serif", "fmodern": "monospace",
	"fscript": "cursive", "fdecor": "fantasy",
}

// underlines are the control words that turn underlining on (\ul0 and
// \ulnone turn it off); \ulc is its color, not one of them.
var underlines = map[string]bool{
	"ul": true, "uld": true, "uldash": true, "uldashd": true, "uldashdd": true, "uldb": true,
	"ulhwave": true, "ulldash": true, "ulth": true, "ulthd": true, "ulthdash": true,
	"ulthdashd": true, "ulthdashdd": true, "ulthldash": true, "ululdbwave": true,
	"ulw": true, "ulwave": true,
}

// renderDestination handles the destinations ToHTML reads rather than
// skips: the color table, field instructions and field results.
func (r *reader) renderDestination(w string) bool {
	switch w {
	case "colortbl":
		r.st.dest = destColorTable
	case "fldinst":
		if r.st.dest == destBody {
			r.fieldInstruction()
		} else {
			r.st.dest = destSkip
		}
	case "fldrslt":
		// The result of a hyperlink field is the text of its link
		// ([MSFT-RTF] "Fields").
		if link := hyperlink(codepage.Decode(r.fldinst, uint32(r.ansiCP))); link != "" {
			r.st.link = link
		}
		r.fldinst = r.fldinst[:0]
	default:
		return false
	}
	return true
}

// fieldInstruction starts the instruction of a field (\fldinst).
func (r *reader) fieldInstruction() {
	r.st.dest = destFieldInst
	r.fldinst = r.fldinst[:0]
}

// tableText reads the text of the font table, color table or a field
// instruction; it reports false for other text.
func (r *reader) tableText(run []byte) bool {
	switch r.st.dest {
	case destFontTable:
		r.defineFont(func(f *fontDef) {
			if f.named {
				return
			}
			if i := bytes.IndexByte(run, ';'); i >= 0 {
				run, f.named = run[:i], true
			}
			f.name = append(f.name, run[:min(len(run), maxFontName-len(f.name))]...)
		})
	case destColorTable:
		for _, c := range run {
			if c == ';' {
				if len(r.colors) < maxTableEntries {
					r.colors = append(r.colors, r.nextColor)
				}
				r.nextColor = color{}
			}
		}
	case destFieldInst:
		r.fldinst = append(r.fldinst, run[:min(len(run), maxInstruction-len(r.fldinst))]...)
	default:
		return false
	}
	return true
}

// renderWord handles the control words of formatting and of the document
// structure when rendering.
func (r *reader) renderWord(w string, t token) bool {
	on := !t.hasParam || t.param != 0
	c, p := &r.st.chr, &r.st.para
	body := r.st.dest == destBody
	switch w {
	case "plain":
		*c = charFormat{}
		r.st.font = -1
	case "b":
		c.bold = on
	case "i":
		c.italic = on
	case "strike", "striked":
		c.strike = on
	case "ulnone":
		c.underline = false
	case "super", "sub", "nosupersub":
		c.vert = 0
		if on && w == "super" {
			c.vert = vertSuper
		} else if on && w == "sub" {
			c.vert = vertSub
		}
	case "fs":
		if t.param > 0 {
			c.size = min(t.param, maxSize)
		}
	case "cf":
		c.color = colorIndex(t.param)
	case "cb", "chcbpat", "highlight":
		c.background = colorIndex(t.param)
		if w == "highlight" && t.param == 0 {
			c.background = 0 // \highlight0: none
		}
	case "red", "green", "blue":
		if r.st.dest == destColorTable {
			v := uint8(max(0, min(t.param, 255)))
			switch w {
			case "red":
				r.nextColor.r = v
			case "green":
				r.nextColor.g = v
			default:
				r.nextColor.b = v
			}
			r.nextColor.set = true
		}
	case "pard":
		*p = paraFormat{}
	case "ql":
		p.align = ""
	case "qc":
		p.align = "center"
	case "qr":
		p.align = "right"
	case "qj":
		p.align = "justify"
	case "intbl":
		p.inTable = on
	case "li":
		p.left = twips(t.param)
	case "ri":
		p.right = twips(t.param)
	case "fi":
		p.first = twips(t.param)
	case "sb":
		p.before = twips(t.param)
	case "sa":
		p.after = twips(t.param)
	case "par", "sect", "page":
		if body {
			r.render.endParagraph(r.st.para)
		}
	case "line":
		if body {
			r.render.lineBreak()
		}
	case "cell", "nestcell":
		if body {
			r.render.endCell(r.st.para)
		}
	case "row", "nestrow":
		if body {
			r.render.endRow(r.st.para)
		}
	case "trowd":
		if body {
			r.render.borders = false
		}
	case "clbrdrt", "clbrdrl", "clbrdrb", "clbrdrr":
		if body {
			r.render.borders = true
		}
	default:
		if family, ok := fontFamilies[w]; ok {
			if r.st.dest == destFontTable {
				r.defineFont(func(f *fontDef) { f.family = family })
			}
			return true
		}
		if !underlines[w] {
			return false
		}
		c.underline = on
	}
	return true
}

// twips bounds a length of the paragraph format.
func twips(n int) int { return max(-maxTwips, min(n, maxTwips)) }

// colorIndex is a color table index as charFormat keeps it.
func colorIndex(n int) int {
	if n < 0 || n >= maxTableEntries {
		return 0
	}
	return n + 1
}

// fontAndSize returns the current font and size in half-points.
func (r *reader) fontAndSize() (font, size int) {
	font, size = r.st.font, r.st.chr.size
	if font < 0 {
		font = r.defFont
	}
	if size == 0 {
		size = defaultSize
	}
	return font, size
}

// spanStyle is the CSS of the current character format, as far as it
// differs from the body's.
func (r *reader) spanStyle() string {
	font, size := r.fontAndSize()
	c := r.st.chr
	var css cssDecls
	if font != r.base.font {
		if family := r.fontFamily(font); family != r.base.family {
			css.add("font-family", family)
		}
	}
	if c.vert != 0 {
		size = max(1, size*2/3) // as Word shrinks super- and subscripts
	}
	if size != r.base.size {
		css.add("font-size", points(size, 2))
	}
	if c.bold {
		css.add("font-weight", "bold")
	}
	if c.italic {
		css.add("font-style", "italic")
	}
	switch {
	case c.underline && c.strike:
		css.add("text-decoration", "underline line-through")
	case c.underline:
		css.add("text-decoration", "underline")
	case c.strike:
		css.add("text-decoration", "line-through")
	}
	switch c.vert {
	case vertSuper:
		css.add("vertical-align", "super")
	case vertSub:
		css.add("vertical-align", "sub")
	}
	css.add("color", r.colorCSS(c.color))
	css.add("background-color", r.colorCSS(c.background))
	return css.String()
}

// fontFamily is the CSS font-family of a font of the font table: its
// name, reduced to the characters font names have, and its generic
// family; "" for an unknown font.
func (r *reader) fontFamily(n int) string {
	f := r.fonts[n]
	cp := f.cp
	if cp == 0 {
		cp = r.ansiCP
	}
	name := strings.Map(func(c rune) rune {
		if unicode.IsLetter(c) || unicode.IsDigit(c) || strings.ContainsRune(" -_.", c) {
			return c
		}
		return -1
	}, codepage.Decode(f.name, uint32(cp)))
	var css []string
	if name = strings.TrimSpace(name); name != "" {
		css = append(css, "'"+name+"'")
	}
	if f.family != "" {
		css = append(css, f.family)
	}
	return strings.Join(css, ",")
}

// colorCSS is the CSS of a color as charFormat keeps it; "" for the
// default color and for entries the table does not have.
func (r *reader) colorCSS(i int) string {
	if i == 0 || i > len(r.colors) || !r.colors[i-1].set {
		return ""
	}
	c := r.colors[i-1]
	return fmt.Sprintf("#%02x%02x%02x", c.r, c.g, c.b)
}

// points is a length of n units of 1/div point in CSS.
func points(n, div int) string {
	return strconv.FormatFloat(float64(n)/float64(div), 'f', -1, 64) + "pt"
}

// escapeAttr escapes a value for an attribute in double quotes.
var escapeAttr = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;").Replace

// cssDecls builds the value of a style attribute.
type cssDecls struct{ strings.Builder }

// add appends a declaration, unless its value is "".
func (c *cssDecls) add(prop, value string) {
	if value == "" {
		return
	}
	if c.Len() > 0 {
		c.WriteByte(';')
	}
	c.WriteString(prop)
	c.WriteByte(':')
	c.WriteString(value)
}

// style is the CSS of a paragraph format.
func (p paraFormat) style() string {
	var css cssDecls
	css.add("text-align", p.align)
	for _, d := range []struct {
		prop  string
		twips int
	}{{"margin-left", p.left}, {"margin-right", p.right}, {"text-indent", p.first},
		{"margin-top", p.before}, {"margin-bottom", p.after}} {
		if d.twips != 0 {
			css.add(d.prop, points(d.twips, 20))
		}
	}
	return css.String()
}

// safeSchemes are the URL schemes a link may have: none that runs code or
// reads local files.
var safeSchemes = map[string]bool{"http": true, "https": true, "mailto": true, "ftp": true, "tel": true}

// hyperlink returns the target of a HYPERLINK field instruction
// ([MSFT-RTF] "Fields": HYPERLINK "url" with optional switches), ready
// for an href attribute: spaces, quotes, angle brackets and non-ASCII
// bytes percent-encoded. It is "" for other fields, for links within the
// document (\l) and for URLs without a safe scheme or with control
// characters.
func hyperlink(inst string) string {
	s := strings.TrimLeft(inst, " ")
	if len(s) < len("HYPERLINK") || !strings.EqualFold(s[:len("HYPERLINK")], "HYPERLINK") {
		return ""
	}
	s = strings.TrimLeft(s[len("HYPERLINK"):], " ")
	var url string
	if rest, ok := strings.CutPrefix(s, `"`); ok {
		url, _, _ = strings.Cut(rest, `"`)
	} else {
		url, _, _ = strings.Cut(s, " ")
	}
	url = strings.TrimSpace(url)
	scheme, _, ok := strings.Cut(url, ":")
	if !ok || !safeSchemes[strings.ToLower(scheme)] {
		return ""
	}
	var b strings.Builder
	for i := 0; i < len(url); i++ {
		switch c := url[i]; {
		case c < ' ' || c == 0x7f:
			return ""
		case c == ' ' || c == '"' || c == '<' || c == '>' || c >= 0x80:
			fmt.Fprintf(&b, "%%%02X", c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// textMarkup is the HTML of the characters that are not written as they
// are: those HTML escapes, the no-break space, and the tab, which HTML
// would collapse.
var textMarkup = map[rune]string{
	'&': "&amp;", '<': "&lt;", '>': "&gt;", '"': "&#34;", '\'': "&#39;",
	'\u00a0': "&nbsp;", '\t': `<span style="white-space:pre">` + "\t</span>",
}

// renderer writes the body of ToHTML: the finished blocks (paragraphs and
// tables) and the inline content of the paragraph being read, whose <a>
// and <span> it opens and closes as the link and CSS of the text change.
// What it writes is balanced: a paragraph's end closes its span and
// link, a table's end its cell and row.
type renderer struct {
	body    bytes.Buffer // finished blocks
	para    bytes.Buffer // content of the paragraph being read
	span    string       // CSS of the open <span>, "" for none
	link    string       // href of the open <a>, "" for none
	spaceOK bool         // a space written now would show: not at the start of a line or after a space
	table   bool         // <table> open
	row     bool         // <tr> open
	cell    bool         // <td> open
	borders bool         // the cells of the row (\trowd) have borders
}

// text adds text of a format: its link and CSS.
func (h *renderer) text(s []byte, css, link string) {
	if link != h.link {
		h.closeInline()
		if link != "" {
			fmt.Fprintf(&h.para, `<a href="%s">`, escapeAttr(link))
		}
		h.link = link
	}
	if css != h.span {
		if h.span != "" {
			h.para.WriteString("</span>")
		}
		if css != "" {
			fmt.Fprintf(&h.para, `<span style="%s">`, escapeAttr(css))
		}
		h.span = css
	}
	for len(s) > 0 {
		c, n := utf8.DecodeRune(s)
		s = s[n:]
		after := h.spaceOK
		h.spaceOK = true
		if markup, ok := textMarkup[c]; ok {
			h.para.WriteString(markup)
			continue
		}
		switch c {
		case ' ':
			// HTML collapses spaces RTF shows: each second one of a
			// run, and one at the start of a line, is a no-break space.
			if after {
				h.para.WriteByte(' ')
				h.spaceOK = false
			} else {
				h.para.WriteString("&nbsp;")
			}
		default:
			if c < ' ' || c == 0x7f {
				h.spaceOK = after
				continue // not text
			}
			h.para.WriteRune(c) // U+FFFD for bytes that are not UTF-8
		}
	}
}

// lineBreak adds a line break (\line).
func (h *renderer) lineBreak() {
	h.para.WriteString("<br>")
	h.spaceOK = false
}

// closeInline closes the open span and link.
func (h *renderer) closeInline() {
	if h.span != "" {
		h.para.WriteString("</span>")
		h.span = ""
	}
	if h.link != "" {
		h.para.WriteString("</a>")
		h.link = ""
	}
}

// endParagraph ends the paragraph being read (\par): a <p> of its format,
// in a table cell if it is one of a table. An empty paragraph is an empty
// line.
func (h *renderer) endParagraph(p paraFormat) {
	h.closeInline()
	if p.inTable {
		h.openCell()
	} else {
		h.closeTable()
	}
	h.body.WriteString("<p")
	if css := p.style(); css != "" {
		fmt.Fprintf(&h.body, ` style="%s"`, escapeAttr(css))
	}
	h.body.WriteByte('>')
	if h.para.Len() == 0 {
		h.body.WriteString("<br>")
	}
	h.body.Write(h.para.Bytes())
	h.body.WriteString("</p>\r\n")
	h.para.Reset()
	h.spaceOK = false
}

// endCell ends a table cell (\cell) and its last paragraph.
func (h *renderer) endCell(p paraFormat) {
	h.closeInline()
	if h.para.Len() > 0 {
		p.inTable = true
		h.endParagraph(p)
	}
	h.openCell()
	h.body.WriteString("</td>")
	h.cell = false
}

// endRow ends a table row (\row).
func (h *renderer) endRow(p paraFormat) {
	h.closeInline()
	if h.para.Len() > 0 {
		h.endCell(p)
	}
	if h.cell {
		h.body.WriteString("</td>")
	}
	if h.row {
		h.body.WriteString("</tr>\r\n")
	}
	h.cell, h.row = false, false
}

// openCell opens what of a table, row and cell is not open.
func (h *renderer) openCell() {
	if !h.table {
		h.body.WriteString("<table style=\"border-collapse:collapse\">\r\n")
	}
	if !h.row {
		h.body.WriteString("<tr>")
	}
	if !h.cell {
		h.body.WriteString(`<td style="vertical-align:top;padding:0 4pt`)
		if h.borders {
			h.body.WriteString(";border:1px solid")
		}
		h.body.WriteString(`">`)
	}
	h.table, h.row, h.cell = true, true, true
}

// closeTable closes the open table.
func (h *renderer) closeTable() {
	if h.cell {
		h.body.WriteString("</td>")
	}
	if h.row {
		h.body.WriteString("</tr>\r\n")
	}
	if h.table {
		h.body.WriteString("</table>\r\n")
	}
	h.table, h.row, h.cell = false, false, false
}

// end completes the body at the end of the document: its last paragraph
// if it has text, and the open table.
func (h *renderer) end(p paraFormat) {
	h.closeInline()
	if h.para.Len() > 0 {
		h.endParagraph(p)
	}
	h.closeTable()
}
