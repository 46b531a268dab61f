package rtf

import (
	"bytes"
	"errors"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/gromox-go/gromox/mapi/codepage"
)

// Errors of Text and HTML.
var (
	// ErrNotRTF is input that does not begin with "{\rtf".
	ErrNotRTF = errors.New("rtf: not an RTF document")
	// ErrTooDeep is a document whose groups nest deeper than maxDepth.
	ErrTooDeep = errors.New("rtf: groups nested too deeply")
)

// maxDepth bounds the group nesting a document may have.
const maxDepth = 1000

// Text returns the plain text of an RTF document: the text of its body
// without the destinations that are not text (font and color tables,
// style sheet, document information, pictures, headers and footers,
// field instructions and every \* destination), with \par and \line as
// CRLF, \tab as a tab, \'hh escapes read in the current font's code page
// (or the document's \ansicpg) and \uN characters (skipping the \ucN
// fallback bytes after them). This serves any RTF: \fromtext and
// \fromhtml1 encapsulations and the plain RTF of Outlook or WordPad.
func Text(rtf []byte) (string, error) {
	r, err := read(rtf, modeText)
	if err != nil {
		return "", err
	}
	return r.out.String(), nil
}

// HTML returns the HTML an RTF document encapsulates (MS-OXRTFEX 2.2.3.2):
// ok is false for a document without \fromhtml in its header. The HTML is
// the content of the \*\htmltag destinations and the text outside them
// that no \htmlrtf marks as RTF only, as UTF-8.
func HTML(rtf []byte) (html []byte, ok bool, err error) {
	r, err := read(rtf, modeHTML)
	if err != nil || !r.fromHTML {
		return nil, false, err
	}
	return r.out.Bytes(), true, nil
}

// mode is what the reader makes of a document.
type mode uint8

const (
	modeText   mode = iota // its plain text (Text)
	modeHTML               // the HTML it encapsulates (HTML)
	modeRender             // HTML rendering its formatting (ToHTML)
)

// destination says what the reader does with the text of a group.
type destination uint8

const (
	destBody       destination = iota // text of the document
	destSkip                          // not text: ignored
	destFontTable                     // \fonttbl: font code pages (and names when rendering) are read
	destHTMLTag                       // \*\htmltag: HTML (MS-OXRTFEX 2.1.3.1.2)
	destColorTable                    // \colortbl when rendering
	destFieldInst                     // \fldinst when rendering: the field's instruction
)

// groupState is what a group changes and its end restores ([MSFT-RTF]
// "Conventions of an RTF Reader"; MS-OXRTFEX 2.1.3.1.3 for \htmlrtf).
type groupState struct {
	dest    destination
	htmlrtf bool // inside \htmlrtf ... \htmlrtf0
	uc      int  // \ucN: bytes after a \uN that stand for it
	font    int  // \fN selected, -1 for \deffN
	// What ToHTML renders.
	chr  charFormat
	para paraFormat
	link string // target of the hyperlink field whose result this is
}

// reader interprets the tokens of one document.
type reader struct {
	html       bool // extracting encapsulated HTML rather than text
	fromHTML   bool // \fromhtml seen in the header
	fromText   bool // \fromtext seen in the header
	st         groupState
	stack      []groupState
	groupStart bool // the previous token opened a group
	starred    bool // the previous token began a \* destination in the body
	ansiCP     int  // \ansicpg
	defFont    int  // \deffN
	fonts      map[int]fontDef
	tableFont  int // the font a font table entry defines
	skipBytes  int // fallback bytes of a \uN still to skip
	pending    []byte
	pendingCP  int
	highSur    rune // a UTF-16 high surrogate waiting for its pair
	out        bytes.Buffer
	render     *renderer  // modeRender: takes the text of out with its format
	colors     []color    // \colortbl when rendering
	nextColor  color      // the color table entry being read
	fldinst    []byte     // the instruction of the last field when rendering
	base       baseFormat // when rendering: the body's font and size
	census     *census    // when rendering: counting what the base is, rendering nothing
}

// fontDef is what a font table entry says of a font.
type fontDef struct {
	cp     int    // code page of its \fcharset or \cpg
	family string // CSS generic family of \froman, \fswiss...
	name   []byte // when rendering: its name as written, up to its ';'
	named  bool   // the name's ';' was seen
}

// read reads a document in mode m.
func read(rtf []byte, m mode) (*reader, error) {
	r := newReader(m)
	if err := r.read(rtf); err != nil {
		return nil, err
	}
	return r, nil
}

// newReader returns a reader in mode m, at the start of a document.
func newReader(m mode) *reader {
	r := &reader{
		html:   m == modeHTML,
		st:     groupState{dest: destSkip, uc: 1, font: -1},
		ansiCP: defaultCodePage,
		fonts:  map[int]fontDef{},
	}
	if m == modeRender {
		r.render = &renderer{}
	}
	return r
}

// read reads a document, its tokens and their effects on the reader's
// state and output.
func (r *reader) read(rtf []byte) error {
	if !bytes.HasPrefix(bytes.TrimLeft(rtf, " \t\r\n"), []byte("{\\rtf")) {
		return ErrNotRTF
	}
	l := lexer{src: rtf}
	for {
		t := l.next()
		starts, starred := r.groupStart, r.starred
		r.groupStart, r.starred = false, false
		switch t.kind {
		case tokEOF:
			r.end()
			return nil
		case tokOpen:
			if len(r.stack) == maxDepth {
				return ErrTooDeep
			}
			r.flush()
			r.stack = append(r.stack, r.st)
			r.groupStart = true
			r.skipBytes = 0
			if len(r.stack) == 1 {
				r.st.dest = destBody // the document group
			}
		case tokClose:
			r.flush()
			if len(r.stack) == 0 {
				r.end()
				return nil
			}
			r.st = r.stack[len(r.stack)-1]
			r.stack = r.stack[:len(r.stack)-1]
			r.skipBytes = 0
			if len(r.stack) == 0 {
				r.end() // the end of the document
				return nil
			}
		case tokSymbol:
			if t.b == '*' && starts {
				// An ignorable destination: skipped unless it is HTML
				// being extracted (see word).
				r.starred = r.st.dest == destBody
				r.st.dest = destSkip
				continue
			}
			if r.skipFallback() {
				continue
			}
			r.symbol(t.b)
		case tokWord:
			if starred && r.html && string(t.word) == "htmltag" {
				r.st.dest = destHTMLTag
				continue
			}
			if starred && r.render != nil && string(t.word) == "fldinst" {
				r.fieldInstruction()
				continue
			}
			r.word(t)
		case tokHex:
			if !r.skipFallback() {
				r.text([]byte{t.b})
			}
		case tokText:
			run := t.word
			n := min(r.skipBytes, len(run))
			r.skipBytes -= n
			r.text(run[n:])
		}
		if r.html && !r.fromHTML && (r.out.Len() > 0 || len(r.pending) > 0) {
			return nil // text before any \fromhtml: no HTML to extract
		}
	}
}

// skipFallback consumes one of the bytes that follow a \uN in place of
// its character.
func (r *reader) skipFallback() bool {
	if r.skipBytes == 0 {
		return false
	}
	r.skipBytes--
	return true
}

// visible reports whether text in the current state goes to the output.
func (r *reader) visible() bool {
	switch r.st.dest {
	case destHTMLTag:
		return true
	case destBody:
		return !r.html || !r.st.htmlrtf
	}
	return false
}

// codePage is the code page of \'hh escapes and text bytes here: the
// default one inside HTML tags (MS-OXRTFEX 2.2.3.2), else the selected
// font's.
func (r *reader) codePage() int {
	if r.st.dest != destHTMLTag {
		f := r.st.font
		if f < 0 {
			f = r.defFont
		}
		if cp := r.fonts[f].cp; cp != 0 {
			return cp
		}
	}
	return r.ansiCP
}

// text adds bytes of text, decoded with the bytes around them (a double
// byte character set's characters span two). A tab is a tab; other
// control characters are not text.
func (r *reader) text(run []byte) {
	if r.render != nil && r.tableText(run) {
		return
	}
	if !r.visible() {
		return
	}
	cp := r.codePage()
	for _, b := range run {
		switch {
		case b == '\t':
			r.writeRune('\t')
		case b >= ' ':
			if len(r.pending) > 0 && cp != r.pendingCP {
				r.flush()
			}
			r.pendingCP = cp
			r.pending = append(r.pending, b)
		}
	}
}

// flush decodes the pending text bytes. When rendering, it then hands
// the text of out to the renderer in the current format, which is the
// format of all of it: the reader flushes before every change.
func (r *reader) flush() {
	if len(r.pending) > 0 {
		if isASCII(r.pending) { // the same in every code page the reader knows
			r.dropSurrogate()
			r.out.Write(r.pending)
		} else {
			r.writeString(codepage.Decode(r.pending, uint32(r.pendingCP)))
		}
		r.pending = r.pending[:0]
	}
	if r.render != nil && r.out.Len() > 0 {
		if r.census != nil {
			r.census.count(r, r.out.Len())
		} else {
			r.render.text(r.out.Bytes(), r.spanStyle(), r.st.link)
		}
		r.out.Reset()
	}
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// end completes the output at the end of the document.
func (r *reader) end() {
	r.flush()
	r.dropSurrogate()
	if r.render != nil {
		r.flush()
		r.render.end(r.st.para)
	}
}

// dropSurrogate writes a high surrogate no low one followed as U+FFFD.
func (r *reader) dropSurrogate() {
	if r.highSur != 0 {
		r.out.WriteRune(utf8.RuneError)
		r.highSur = 0
	}
}

func (r *reader) writeString(s string) {
	r.dropSurrogate()
	r.out.WriteString(s)
}

// writeRune writes a character, joining UTF-16 surrogate pairs of
// consecutive \uN words.
func (r *reader) writeRune(c rune) {
	r.flush()
	switch {
	case utf16.IsSurrogate(c) && c < 0xdc00:
		r.dropSurrogate()
		r.highSur = c
		return
	case utf16.IsSurrogate(c) && r.highSur != 0:
		c = utf16.DecodeRune(r.highSur, c)
		r.highSur = 0
	case utf16.IsSurrogate(c):
		c = utf8.RuneError
	}
	r.writeString(string(c))
}

// symbol handles a control symbol ([MSFT-RTF] "Special Characters").
func (r *reader) symbol(c byte) {
	switch c {
	case '{', '}', '\\':
		r.text([]byte{c})
	case '~':
		r.emit('\u00a0')
	case '_':
		r.emit('\u2011')
	case '|', '-', ':', '*':
		// formula character, optional hyphen, index subentry
	default:
		r.text([]byte{c})
	}
}

// emit writes a character a control word or symbol stands for, where text
// is visible.
func (r *reader) emit(c rune) {
	if r.visible() {
		r.writeRune(c)
	}
}

// skippedDestinations are the destinations whose content is not document
// text ([MSFT-RTF]); every \* destination is skipped too.
var skippedDestinations = map[string]bool{
	"colortbl": true, "stylesheet": true, "info": true, "pict": true, "object": true,
	"header": true, "headerl": true, "headerr": true, "headerf": true,
	"footer": true, "footerl": true, "footerr": true, "footerf": true,
	"footnote": true, "annotation": true, "fldinst": true, "filetbl": true,
	"listtable": true, "listoverridetable": true, "revtbl": true, "rsidtbl": true,
	"xmlnstbl": true, "themedata": true, "colorschememapping": true, "latentstyles": true,
	"datastore": true, "generator": true, "nonshppict": true, "private": true,
	"bkmkstart": true, "bkmkend": true, "txe": true, "xe": true, "tc": true,
	"author": true, "operator": true, "title": true, "subject": true, "comment": true,
	"doccomm": true, "keywords": true, "company": true, "manager": true, "category": true,
}

// symbolWords are control words that stand for a character.
var symbolWords = map[string]rune{
	"tab": '\t', "cell": '\t', "emdash": '\u2014', "endash": '\u2013',
	"emspace": '\u2003', "enspace": '\u2002', "qmspace": '\u2005',
	"bullet": '\u2022', "lquote": '\u2018', "rquote": '\u2019',
	"ldblquote": '\u201c', "rdblquote": '\u201d', "zwj": '\u200d', "zwnj": '\u200c',
	"zwbo": '\u200b', "ltrmark": '\u200e', "rtlmark": '\u200f',
}

// word handles a control word.
func (r *reader) word(t token) {
	w := string(t.word)
	if r.render != nil {
		r.flush() // the word may change the format
		if r.renderDestination(w) {
			return
		}
	}
	switch w {
	case "u":
		if r.skipFallback() {
			return
		}
		c := t.param
		if c < 0 {
			c += 0x10000 // a signed 16-bit value ([MSFT-RTF] "Unicode RTF")
		}
		if c < 0 || c > 0xffff {
			c = utf8.RuneError
		}
		r.emit(rune(c))
		r.skipBytes = r.st.uc
		return
	case "uc":
		r.st.uc = max(0, min(t.param, 8))
		return
	case "htmlrtf":
		// MS-OXRTFEX 2.1.3.1.3: \htmlrtf and \htmlrtf1 start, \htmlrtf0
		// ends the RTF-only content.
		r.flush()
		r.st.htmlrtf = !t.hasParam || t.param != 0
		return
	case "fromhtml", "fromtext":
		if len(r.stack) == 1 && r.out.Len() == 0 && len(r.pending) == 0 {
			r.fromHTML = r.fromHTML || w == "fromhtml"
			r.fromText = r.fromText || w == "fromtext"
		}
		return
	case "ansicpg":
		if t.param > 0 {
			r.ansiCP = t.param
		}
		return
	case "mac":
		r.ansiCP = 10000
		return
	case "pc":
		r.ansiCP = 437
		return
	case "pca":
		r.ansiCP = 850
		return
	case "deff":
		r.defFont = t.param
		return
	case "fonttbl":
		r.st.dest = destFontTable
		return
	case "f":
		if r.st.dest == destFontTable {
			r.tableFont = t.param
		} else {
			r.flush()
			r.st.font = t.param
		}
		return
	case "fcharset", "cpg":
		if r.st.dest == destFontTable {
			cp := t.param
			if w == "fcharset" {
				cp = charsetCodePage(t.param)
			}
			r.defineFont(func(f *fontDef) { f.cp = cp })
		}
		return
	}
	if skippedDestinations[w] {
		r.st.dest = destSkip
		return
	}
	if r.skipFallback() {
		return
	}
	if r.render != nil && r.renderWord(w, t) {
		return
	}
	switch w {
	case "par", "line", "sect", "page", "row":
		if r.visible() {
			r.flush()
			r.writeString("\r\n")
		}
	default:
		if c, ok := symbolWords[w]; ok {
			r.emit(c)
		}
	}
}

// defineFont changes the font table entry being read, if the table has
// room for it.
func (r *reader) defineFont(change func(*fontDef)) {
	f, ok := r.fonts[r.tableFont]
	if !ok && len(r.fonts) >= maxTableEntries {
		return
	}
	change(&f)
	r.fonts[r.tableFont] = f
}

// FromCompressed returns the bodies a PR_RTF_COMPRESSED value holds: the
// HTML it encapsulates (MS-OXRTFEX) with text "", or for other RTF its
// plain text and its formatting rendered as HTML (ToHTML), or for RTF
// made from plain text (\fromtext) only its text, html nil. This is how a
// message that has only an RTF body gets its PR_HTML and PR_BODY.
func FromCompressed(compressed []byte) (html []byte, text string, err error) {
	raw, err := Decompress(compressed)
	if err != nil {
		return nil, "", err
	}
	if html, ok, err := HTML(raw); err != nil || ok {
		return html, "", err
	}
	r, err := read(raw, modeText)
	if err != nil {
		return nil, "", err
	}
	if r.fromText {
		return nil, r.out.String(), nil
	}
	html, err = ToHTML(raw)
	return html, r.out.String(), err
}
