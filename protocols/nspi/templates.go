package nspi

// Address book display templates (MS-OXOABKT) for NspiGetTemplateInfo:
// upstream's abkt.pak, found on data_file_path and read once when the
// server is made. The templates are an immutable map by LCID and display
// type, shared by all sessions.
//
// abkt.pak is upstream's PACK container (tools/mpak.pl): "PACK", then the
// directory's offset and its length in bytes (uint32 little-endian, the
// offset is 12), then 64-byte directory entries: a NUL-padded file name
// of at most 56 bytes, the offset of the file's data from the start of
// the archive and its length (uint32 little-endian each). A display
// template is the file "<LCID>-<display type>.abkt", both in lower-case
// hex without leading zeros (409-0.abkt: en-US mail user).
//
// A stored template is a TRowSet (MS-OXOABKT 2.2.2.1.1) whose strings are
// UTF-16LE. On the wire the strings are 8-bit, in the code page of the
// request (2.2.2.1.3), so a template is re-encoded per request: a type 1
// TRowSet with 36-byte rows, then the strings, in row order.

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"unicode/utf16"

	"github.com/gromox-go/gromox/config"
	"github.com/gromox-go/gromox/mapi/codepage"
	"go.uber.org/zap"
)

// TemplatePak is the file of display templates looked for on
// data_file_path.
const TemplatePak = "abkt.pak"

// Limits on what a pak may hold: upstream's is about 700 KiB.
const (
	maxPakSize      = 64 << 20
	pakHeaderSize   = 12
	pakEntrySize    = 64
	pakNameSize     = 56
	templateRowSize = 36 // a type 1 TRow (MS-OXOABKT 2.2.2.1.2)
)

// Control types (MS-OXOABKT 2.2.2.1.2, ControlType).
const (
	ctLabel       = 0x0
	ctEdit        = 0x1
	ctListBox     = 0x2
	ctComboBox    = 0x3
	ctDropDown    = 0x4
	ctCheckBox    = 0x5
	ctGroupBox    = 0x6
	ctButton      = 0x7
	ctPage        = 0x8
	ctRadioButton = 0x9
	ctMVListBox   = 0xb
	ctMVDropDown  = 0xc
)

// controlFlags are the ControlFlags MS-OXOABKT 2.2.2.1.2 defines
// (DT_MULTILINE through DT_SET_SELECTION); other bits are dropped.
const controlFlags = 0x7f

// pakEntry is one file of a PACK archive.
type pakEntry struct {
	name string
	data []byte
}

// parsePak reads a PACK archive's directory. Every entry's data must lie
// within the archive, as upstream requires, and together they may not be
// larger than it (mpak.pl stores each once; this bounds the work of
// reading them); the entries' data alias b.
func parsePak(b []byte) ([]pakEntry, error) {
	if len(b) < pakHeaderSize || string(b[:4]) != "PACK" {
		return nil, errors.New("not a PACK archive")
	}
	size := uint64(len(b))
	dirOff, dirLen := uint64(le32(b[4:])), uint64(le32(b[8:]))
	if dirOff > size || dirLen > size-dirOff {
		return nil, fmt.Errorf("directory at %d (%d bytes) runs past the end of the %d-byte archive", dirOff, dirLen, size)
	}
	n := dirLen / pakEntrySize
	entries := make([]pakEntry, 0, n)
	var total uint64
	for i := range n {
		e := b[dirOff+i*pakEntrySize:][:pakEntrySize]
		name := e[:pakNameSize]
		for j, c := range name {
			if c == 0 {
				name = name[:j]
				break
			}
		}
		off, length := uint64(le32(e[56:])), uint64(le32(e[60:]))
		if off > size || length > size-off {
			return nil, fmt.Errorf("entry %d (%q): data at %d (%d bytes) runs past the end of the %d-byte archive", i, name, off, length, size)
		}
		if total += length; total > size {
			return nil, fmt.Errorf("entry %d (%q): the entries hold more than the %d-byte archive", i, name, size)
		}
		entries = append(entries, pakEntry{name: string(name), data: b[off : off+length]})
	}
	return entries, nil
}

// templateKey names a template: the LCID and the display type of the
// objects it shows.
type templateKey struct {
	lcid, displayType uint32
}

// templateFileName is the pak entry of a template, as upstream looks it up.
func templateFileName(k templateKey) string {
	return fmt.Sprintf("%x-%x.abkt", k.lcid, k.displayType)
}

// parseTemplateName is the key of a pak entry named as templateFileName
// names them; ok is false for any other name.
func parseTemplateName(name string) (k templateKey, ok bool) {
	if _, err := fmt.Sscanf(name, "%x-%x.abkt", &k.lcid, &k.displayType); err != nil {
		return templateKey{}, false
	}
	return k, templateFileName(k) == name
}

// control is one row of a display template (MS-OXOABKT 2.2.2.1.2,
// 2.2.2.1.3).
type control struct {
	x, dx, y, dy uint32
	kind         uint32
	flags        uint32
	propTag      uint32 // dwType
	size         uint32 // ulSize
	text         string // the label or the pattern, UTF-8
}

// usesPropTag: the control shows a property, named by dwType.
func usesPropTag(kind uint32) bool {
	switch kind {
	case ctEdit, ctListBox, ctComboBox, ctDropDown, ctCheckBox, ctButton, ctRadioButton, ctMVListBox, ctMVDropDown:
		return true
	}
	return false
}

// usesText: the control has a string (a label, or the pattern of what an
// edit or list control accepts), at ulString.
func usesText(kind uint32) bool {
	switch kind {
	case ctLabel, ctCheckBox, ctGroupBox, ctButton, ctRadioButton, ctPage,
		ctEdit, ctListBox, ctDropDown, ctComboBox, ctMVListBox:
		return true
	}
	return false
}

// usesSize: ulSize means something (the characters an edit or combo box
// accepts, a radio button's return value).
func usesSize(kind uint32) bool {
	return kind == ctEdit || kind == ctComboBox || kind == ctRadioButton
}

// template is a display template, its strings in UTF-8.
type template struct {
	rows []control
}

// parseTemplate reads a stored template: a TRowSet of type 1, or of
// upstream's type 2 (40-byte rows, an extra field after ControlFlags, which
// is dropped), with UTF-16LE strings. It normalizes as upstream does: a
// control of unknown type becomes an empty label, pages have no flags, a
// list box's pattern is "*", fields a control type does not use are 0.
func parseTemplate(b []byte) (*template, error) {
	if len(b) < 8 {
		return nil, fmt.Errorf("%d bytes: shorter than a TRowSet header", len(b))
	}
	rowSize := uint64(templateRowSize)
	switch v := le32(b); v {
	case 1:
	case 2:
		rowSize += 4
	default:
		return nil, fmt.Errorf("TRowSet type %d, not 1 or 2", v)
	}
	n := uint64(le32(b[4:]))
	if n*rowSize > uint64(len(b)-8) {
		return nil, fmt.Errorf("%d rows of %d bytes do not fit in %d bytes", n, rowSize, len(b))
	}
	t := &template{rows: make([]control, n)}
	strs := templateStrings{b: b, budget: 2 * len(b), seen: map[uint32]string{}}
	for i := range t.rows {
		r := b[8+uint64(i)*rowSize:][:rowSize]
		f := func(k int) uint32 { return le32(r[4*k:]) }
		c := control{x: f(0), dx: f(1), y: f(2), dy: f(3), kind: f(4), flags: f(5) & controlFlags}
		cntrl := 6
		if rowSize > templateRowSize {
			cntrl = 7
		}
		dwType, ulSize, ulString := f(cntrl), f(cntrl+1), f(cntrl+2)
		if !usesPropTag(c.kind) && !usesText(c.kind) { // unknown type
			t.rows[i] = control{x: c.x, dx: c.dx, y: c.y, dy: c.dy, kind: ctLabel}
			continue
		}
		if c.kind == ctPage {
			c.flags = 0
		}
		if usesPropTag(c.kind) {
			c.propTag = dwType
		}
		if usesSize(c.kind) {
			c.size = ulSize
		}
		if usesText(c.kind) {
			s, err := strs.at(ulString)
			if err != nil {
				return nil, fmt.Errorf("row %d: %w", i, err)
			}
			c.text = s
		}
		if c.kind == ctListBox || c.kind == ctMVListBox {
			c.text = "*"
		}
		t.rows[i] = c
	}
	return t, nil
}

// templateStrings reads the strings of a stored template. Rows may share
// a string, but the strings of all rows together (UTF-16 bytes read, or
// UTF-8 bytes of a string read before) may not be longer than twice the
// template; upstream's templates store each string once. So reading a
// template and sending it take time and memory linear in its size,
// whatever its offsets.
type templateStrings struct {
	b      []byte
	budget int               // bytes of UTF-16 left to the rows' strings
	seen   map[uint32]string // the strings read, by offset
}

// errStringBudget is a template whose rows' strings are too long.
var errStringBudget = errors.New("strings longer than twice the template")

// charge takes n bytes from the budget.
func (s *templateStrings) charge(n int) error {
	if s.budget -= n; s.budget < 0 {
		return errStringBudget
	}
	return nil
}

// at reads the NUL-terminated UTF-16LE string at off.
func (s *templateStrings) at(off uint32) (string, error) {
	if str, ok := s.seen[off]; ok {
		return str, s.charge(len(str) + 1)
	}
	if uint64(off) >= uint64(len(s.b)) {
		return "", fmt.Errorf("string offset %d past the end of the %d-byte template", off, len(s.b))
	}
	var u []uint16
	for p := int(off); p+1 < len(s.b); p += 2 {
		if err := s.charge(2); err != nil {
			return "", err
		}
		c := binary.LittleEndian.Uint16(s.b[p:])
		if c == 0 {
			str := string(utf16.Decode(u))
			s.seen[off] = str
			return str, nil
		}
		u = append(u, c)
	}
	return "", fmt.Errorf("string at %d not terminated", off)
}

// encode is the template as NspiGetTemplateInfo returns it
// (PR_EMS_TEMPLATE_BLOB): a type 1 TRowSet whose strings follow the rows,
// NUL-terminated, in the code page cp (templateCodePage; characters it
// lacks become '?').
func (t *template) encode(cp uint32) []byte {
	aux := 8 + templateRowSize*len(t.rows)
	out := make([]byte, aux, aux+32*len(t.rows))
	binary.LittleEndian.PutUint32(out, 1)
	binary.LittleEndian.PutUint32(out[4:], uint32(len(t.rows)))
	for i, c := range t.rows {
		var ulString uint32
		if usesText(c.kind) {
			ulString = uint32(len(out))
			out = append(out, to8(c.text, cp)...)
			out = append(out, 0)
		}
		r := out[8+templateRowSize*i:]
		for k, v := range []uint32{c.x, c.dx, c.y, c.dy, c.kind, c.flags, c.propTag, c.size, ulString} {
			binary.LittleEndian.PutUint32(r[4*k:], v)
		}
	}
	return out
}

// Templates are the display templates of a server by LCID and display
// type, immutable once loaded. The zero value and nil have none.
type Templates struct {
	byKey map[templateKey]*template
}

// Len is the number of templates.
func (t *Templates) Len() int {
	if t == nil {
		return 0
	}
	return len(t.byKey)
}

// lookup finds the template of a locale and display type, nil if there is
// none.
func (t *Templates) lookup(lcid, displayType uint32) *template {
	if t == nil {
		return nil
	}
	return t.byKey[templateKey{lcid, displayType}]
}

// TemplateLoad reports what LoadTemplates read: the file, the templates
// kept, and the entries left out (one error each: a template that does
// not parse, a second entry of one name).
type TemplateLoad struct {
	Path      string
	Templates int
	Skipped   []error
}

// parseTemplates reads the templates of a pak. Entries that are not
// templates by name are ignored; a template that does not parse is left
// out and reported; of two entries with one name the first counts, as
// upstream's lookup finds it.
func parseTemplates(pak []byte) (*Templates, []error, error) {
	entries, err := parsePak(pak)
	if err != nil {
		return nil, nil, err
	}
	t := &Templates{byKey: make(map[templateKey]*template)}
	seen := make(map[string]bool, len(entries))
	var skipped []error
	for _, e := range entries {
		k, ok := parseTemplateName(e.name)
		if !ok {
			continue
		}
		if seen[e.name] {
			skipped = append(skipped, fmt.Errorf("%s: a second entry of this name", e.name))
			continue
		}
		seen[e.name] = true
		tpl, err := parseTemplate(e.data)
		if err != nil {
			skipped = append(skipped, fmt.Errorf("%s: %w", e.name, err))
			continue
		}
		t.byKey[k] = tpl
	}
	return t, skipped, nil
}

// LoadTemplates reads TemplatePak from the first directory of dirs that
// has it. The error wraps fs.ErrNotExist when none has it; a pak that is
// not a PACK archive (or too large) is an error too. Templates that do not
// parse are reported in the TemplateLoad, and the others are served.
func LoadTemplates(dirs config.SearchPath) (*Templates, TemplateLoad, error) {
	path, err := dirs.Find(TemplatePak)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, TemplateLoad{}, fmt.Errorf("%s not found in data_file_path %q: %w", TemplatePak, dirs.String(), fs.ErrNotExist)
	}
	if err != nil {
		return nil, TemplateLoad{}, fmt.Errorf("display templates: %w", err)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, TemplateLoad{}, fmt.Errorf("display templates: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxPakSize+1))
	if err != nil {
		return nil, TemplateLoad{}, fmt.Errorf("display templates: %s: %w", path, err)
	}
	if len(data) > maxPakSize {
		return nil, TemplateLoad{}, fmt.Errorf("display templates: %s: larger than %d bytes", path, maxPakSize)
	}
	t, skipped, err := parseTemplates(data)
	if err != nil {
		return nil, TemplateLoad{}, fmt.Errorf("display templates: %s: %w", path, err)
	}
	return t, TemplateLoad{Path: path, Templates: t.Len(), Skipped: skipped}, nil
}

// loadTemplates loads the display templates of dirs for the server and
// logs the outcome: without a pak GetTemplateInfo answers
// MAPI_E_UNKNOWN_LCID (Outlook then uses its built-in dialogs).
func loadTemplates(dirs config.SearchPath, log *zap.Logger) *Templates {
	t, load, err := LoadTemplates(dirs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		// Normal for an instance without upstream's data files: not an
		// error.
		log.Info("no address book display templates (no abkt.pak in data_file_path); GetTemplateInfo answers MAPI_E_UNKNOWN_LCID",
			zap.Strings("data_file_path", dirs))
		return nil
	case err != nil:
		log.Error("address book display templates not loaded; GetTemplateInfo answers MAPI_E_UNKNOWN_LCID", zap.Error(err))
		return nil
	}
	for _, e := range load.Skipped {
		log.Error("address book display template left out", zap.String("file", load.Path), zap.Error(e))
	}
	log.Info("address book display templates loaded", zap.String("file", load.Path),
		zap.Int("templates", load.Templates), zap.Int("skipped", len(load.Skipped)))
	return t
}

// templateCodePage reports whether templates can be sent in the code
// page: one of the 8-bit code pages strings are converted to, or UTF-8.
// CP_WINUNICODE is not one (MS-OXNSPI 3.1.4.1.18: templates have 8-bit
// strings).
func templateCodePage(cp uint32) bool {
	return codepage.Encoding(cp) != nil || cp == codePageUTF8
}

func le32(b []byte) uint32 { return binary.LittleEndian.Uint32(b) }
