package nspi

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/gromox-go/gromox/config"
	"github.com/gromox-go/gromox/directory"
	"github.com/gromox-go/gromox/mapi"
	gxhttp "github.com/gromox-go/gromox/protocols/http"
	"github.com/gromox-go/gromox/protocols/mapihttp/wire"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
)

// testControl is a control of a template a test builds.
type testControl struct {
	kind, flags, propTag, size, extra uint32
	text                              string
}

// buildTemplate makes a stored template as upstream's .abkt files are: a
// TRowSet (MS-OXOABKT 2.2.2.1) of the type (1, or 2 with 40-byte rows),
// every control with a NUL-terminated UTF-16LE string after the rows.
func buildTemplate(typ uint32, cs ...testControl) []byte {
	rowSize := 36
	if typ == 2 {
		rowSize = 40
	}
	le := binary.LittleEndian
	b := le.AppendUint32(nil, typ)
	b = le.AppendUint32(b, uint32(len(cs)))
	var strs []byte
	for i, c := range cs {
		b = le.AppendUint32(b, uint32(10*i)) // XPos
		b = le.AppendUint32(b, 100)          // DeltaX
		b = le.AppendUint32(b, uint32(20*i)) // YPos
		b = le.AppendUint32(b, 12)           // DeltaY
		b = le.AppendUint32(b, c.kind)
		b = le.AppendUint32(b, c.flags)
		if typ == 2 {
			b = le.AppendUint32(b, c.extra)
		}
		b = le.AppendUint32(b, c.propTag)
		b = le.AppendUint32(b, c.size)
		b = le.AppendUint32(b, uint32(8+rowSize*len(cs)+len(strs)))
		for _, u := range utf16.Encode([]rune(c.text)) {
			strs = le.AppendUint16(strs, u)
		}
		strs = append(strs, 0, 0)
	}
	return append(b, strs...)
}

// pakFile is a file of a test pak.
type pakFile struct {
	name string
	data []byte
}

// buildPak packs files as upstream's tools/mpak.pl does.
func buildPak(files ...pakFile) []byte {
	le := binary.LittleEndian
	b := []byte("PACK")
	b = le.AppendUint32(b, 12)
	b = le.AppendUint32(b, uint32(64*len(files)))
	off := 12 + 64*len(files)
	for _, f := range files {
		var name [56]byte
		copy(name[:], f.name)
		b = append(b, name[:]...)
		b = le.AppendUint32(b, uint32(off))
		b = le.AppendUint32(b, uint32(len(f.data)))
		off += len(f.data)
	}
	for _, f := range files {
		b = append(b, f.data...)
	}
	return b
}

// blobRow is a row of a template as a client reads it.
type blobRow struct {
	x, dx, y, dy, kind, flags, propTag, size, ulString uint32
	text                                               string // the 8-bit bytes
}

// readBlob reads a PR_EMS_TEMPLATE_BLOB as a client does (MS-OXOABKT
// 2.2.2.1): a type 1 TRowSet whose strings lie after the rows and are
// NUL-terminated.
func readBlob(t testing.TB, b []byte) []blobRow {
	t.Helper()
	le := binary.LittleEndian
	if len(b) < 8 || le.Uint32(b) != 1 {
		t.Fatalf("blob %x: not a type 1 TRowSet", b)
	}
	n := int(le.Uint32(b[4:]))
	aux := 8 + 36*n
	if aux > len(b) {
		t.Fatalf("blob: %d rows in %d bytes", n, len(b))
	}
	rows := make([]blobRow, n)
	for i := range rows {
		r := b[8+36*i:]
		f := func(k int) uint32 { return le.Uint32(r[4*k:]) }
		rows[i] = blobRow{f(0), f(1), f(2), f(3), f(4), f(5), f(6), f(7), f(8), ""}
		if off := int(f(8)); off != 0 {
			end := bytes.IndexByte(b[min(off, len(b)):], 0)
			if off < aux || end < 0 {
				t.Fatalf("blob row %d: string at %d (rows end at %d, blob at %d) not terminated", i, off, aux, len(b))
			}
			rows[i].text = string(b[off : off+end])
		}
	}
	return rows
}

const (
	tagGivenName = 0x3a06001e // PR_GIVEN_NAME_A
	tagMembers   = 0x8009000d // PR_EMS_AB_MEMBER
)

// testPak holds an en-US user template, a de-DE list template, a ja-JP
// user template and, in upstream's type 2 form, an en-US forum template
// with radio buttons.
func testPak() []byte {
	return buildPak(
		pakFile{"409-0.abkt", buildTemplate(1,
			testControl{kind: ctPage, flags: 0xce4, text: "General"},
			testControl{kind: ctGroupBox, text: "Name"},
			testControl{kind: ctLabel, text: "&First:"},
			testControl{kind: ctEdit, flags: 0x2 | 0x100, propTag: tagGivenName, size: 64, text: "*"},
			testControl{kind: ctCheckBox, propTag: 0x8c6d000b, size: 9, text: "&Hidden"},
			testControl{kind: ctListBox, propTag: tagMembers, text: "ignored"},
			testControl{kind: ctMVDropDown, flags: 0x1, propTag: 0x800f101e, text: "dropped"},
			testControl{kind: 0x42, propTag: 7, size: 7, text: "unknown"},
		)},
		pakFile{"timezone.txt", []byte("not a template")},
		pakFile{"407-1.abkt", buildTemplate(1,
			testControl{kind: ctPage, text: "Allgemein"},
			testControl{kind: ctLabel, text: "&Größe ☃:"},
		)},
		pakFile{"411-0.abkt", buildTemplate(1,
			testControl{kind: ctLabel, text: "名前(&N):"},
		)},
		pakFile{"409-2.abkt", buildTemplate(2,
			testControl{kind: ctRadioButton, extra: 2, propTag: 0x3a4d0003, size: 1, text: "&Yes"},
			testControl{kind: ctRadioButton, extra: 2, propTag: 0x3a4d0003, size: 2, text: "&No"},
		)},
	)
}

// pakDir writes pak as abkt.pak in a new directory.
func pakDir(t testing.TB, pak []byte) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, TemplatePak), pak, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// templateEnv is a server with the display templates of dirs and a bound
// client.
func templateEnv(t *testing.T, dirs ...string) *client {
	e := newEnv(t, func(c *Config) { c.DataFilePath = dirs })
	c := e.client("alice@example.org")
	c.bind()
	return c
}

// templateInfo asks for a template and returns the error code and the
// template blob.
func (c *client) templateInfo(req *wire.GetTemplateInfoRequest) (mapi.ErrorCode, []byte) {
	c.e.t.Helper()
	var resp wire.GetTemplateInfoResponse
	c.do("GetTemplateInfo", req, &resp)
	if resp.CodePage != req.CodePage {
		c.e.t.Errorf("GetTemplateInfo %+v: CodePage %d", req, resp.CodePage)
	}
	if resp.ErrorCode != 0 {
		if resp.Row != nil {
			c.e.t.Errorf("GetTemplateInfo %+v: %#x with a row %v", req, resp.ErrorCode, resp.Row)
		}
		return mapi.ErrorCode(resp.ErrorCode), nil
	}
	if len(resp.Row) != 1 || resp.Row[0].Tag != tagTemplateData {
		c.e.t.Fatalf("GetTemplateInfo %+v: row %v", req, resp.Row)
	}
	return 0, resp.Row[0].Value.([]byte)
}

func TestGetTemplateInfo(t *testing.T) {
	dir := pakDir(t, testPak())
	c := templateEnv(t, t.TempDir(), dir) // the first directory has no pak

	ec, blob := c.templateInfo(&wire.GetTemplateInfoRequest{Flags: tiTemplate | 0x60, DisplayType: dtMailUser, CodePage: 1252, LocaleID: 0x409})
	if ec != 0 {
		t.Fatalf("409-0: %v", ec)
	}
	want := []blobRow{
		{0, 100, 0, 12, ctPage, 0, 0, 0, 0, "General"}, // pages have no flags
		{10, 100, 20, 12, ctGroupBox, 0, 0, 0, 0, "Name"},
		{20, 100, 40, 12, ctLabel, 0, 0, 0, 0, "&First:"},
		{30, 100, 60, 12, ctEdit, 0x2, tagGivenName, 64, 0, "*"}, // undefined flag 0x100 dropped
		{40, 100, 80, 12, ctCheckBox, 0, 0x8c6d000b, 0, 0, "&Hidden"},
		{50, 100, 100, 12, ctListBox, 0, tagMembers, 0, 0, "*"}, // list boxes take any value
		{60, 100, 120, 12, ctMVDropDown, 0x1, 0x800f101e, 0, 0, ""},
		{70, 100, 140, 12, ctLabel, 0, 0, 0, 0, ""}, // an unknown control is an empty label
	}
	got := readBlob(t, blob)
	if len(got) != len(want) {
		t.Fatalf("409-0: %d rows, want %d: %+v", len(got), len(want), got)
	}
	next := uint32(8 + 36*len(want))
	for i, w := range want {
		g := got[i]
		hasString := w.kind != ctMVDropDown
		if hasString && g.ulString != next || !hasString && g.ulString != 0 {
			t.Errorf("row %d: string at %d, want %d", i, g.ulString, next)
		}
		if hasString {
			next += uint32(len(w.text)) + 1
		}
		g.ulString = 0
		if g != w {
			t.Errorf("row %d: %+v, want %+v", i, g, w)
		}
	}
	if int(next) != len(blob) {
		t.Errorf("blob of %d bytes, strings end at %d", len(blob), next)
	}

	// Strings in the request's code page (MS-OXOABKT 2.2.2.1.3).
	for _, tc := range []struct {
		lcid, typ, cp uint32
		row           int
		want          string
	}{
		{0x407, dtDistList, 1252, 1, "&Gr\xf6\xdfe ?:"},
		{0x407, dtDistList, 28591, 1, "&Gr\xf6\xdfe ?:"},
		{0x407, dtDistList, 1251, 1, "&Gr??e ?:"},
		{0x407, dtDistList, codePageUTF8, 1, "&Größe ☃:"},
		{0x411, dtMailUser, 932, 0, "\x96\xbc\x91\x4f(&N):"},
		{0x411, dtMailUser, 1252, 0, "??(&N):"},
		{0x409, 0x2, 1252, 1, "&No"},
	} {
		ec, blob := c.templateInfo(&wire.GetTemplateInfoRequest{Flags: tiTemplate, DisplayType: tc.typ, CodePage: tc.cp, LocaleID: tc.lcid})
		if ec != 0 {
			t.Errorf("%x-%x in %d: %v", tc.lcid, tc.typ, tc.cp, ec)
			continue
		}
		if got := readBlob(t, blob)[tc.row].text; got != tc.want {
			t.Errorf("%x-%x in %d: %q, want %q", tc.lcid, tc.typ, tc.cp, got, tc.want)
		}
	}

	// A type 2 template goes out as type 1; radio buttons keep their
	// property and return value.
	_, blob = c.templateInfo(&wire.GetTemplateInfoRequest{Flags: tiTemplate, DisplayType: 0x2, CodePage: 1252, LocaleID: 0x409})
	if r := readBlob(t, blob); len(r) != 2 || r[0].kind != ctRadioButton || r[0].propTag != 0x3a4d0003 || r[0].size != 1 || r[1].size != 2 || r[0].text != "&Yes" {
		t.Errorf("409-2: %+v", r)
	}

	dn := "/o=Example Org/cn=Configuration/cn=Addressing/cn=Display-Templates/cn=409/cn=0"
	for _, tc := range []struct {
		name string
		req  wire.GetTemplateInfoRequest
		want mapi.ErrorCode
	}{
		{"unknown locale", wire.GetTemplateInfoRequest{Flags: tiTemplate, DisplayType: dtMailUser, CodePage: 1252, LocaleID: 0x40c}, ecUnknownLCID},
		{"unknown type", wire.GetTemplateInfoRequest{Flags: tiTemplate, DisplayType: dtRemoteMailUser, CodePage: 1252, LocaleID: 0x409}, ecUnknownLCID},
		{"no fallback to the language", wire.GetTemplateInfoRequest{Flags: tiTemplate, DisplayType: dtDistList, CodePage: 1252, LocaleID: 0x807}, ecUnknownLCID},
		{"by DN", wire.GetTemplateInfoRequest{Flags: tiTemplate, DisplayType: dtMailUser, TemplateDN: &dn, CodePage: 1252, LocaleID: 0x409}, ecUnknownLCID},
		{"Unicode", wire.GetTemplateInfoRequest{Flags: tiTemplate, DisplayType: dtMailUser, CodePage: codePageUnicode, LocaleID: 0x409}, ecUnknownCPID},
		{"unknown code page", wire.GetTemplateInfoRequest{Flags: tiTemplate, DisplayType: dtMailUser, CodePage: 4711, LocaleID: 0x409}, ecUnknownCPID},
		{"script", wire.GetTemplateInfoRequest{Flags: tiTemplate | tiScript, DisplayType: dtMailUser, CodePage: 1252, LocaleID: 0x409}, mapi.EcNotSupported},
		{"no TI_TEMPLATE", wire.GetTemplateInfoRequest{Flags: 0x10, DisplayType: dtMailUser, CodePage: 1252, LocaleID: 0x409}, mapi.EcNotSupported},
	} {
		if ec, _ := c.templateInfo(&tc.req); ec != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, ec, tc.want)
		}
	}
}

// TestTemplateInfoClient fetches a template over HTTP with the package's
// Client.
func TestTemplateInfoClient(t *testing.T) {
	dir := pakDir(t, testPak())
	e := newEnv(t, func(c *Config) { c.DataFilePath = config.SearchPath{dir} })
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := &directory.User{ID: 1, Username: "alice@example.org", DomainID: 1, OrgID: 7, Domain: "example.org"}
		e.srv.ServeHTTP(w, r.WithContext(gxhttp.WithUser(r.Context(), u)))
	}))
	defer ts.Close()
	ctx := context.Background()
	cl := &Client{URL: ts.URL + "/mapi/nspi/?MailboxId=x@example.org", User: "alice@example.org"}
	if _, err := cl.Bind(ctx); err != nil {
		t.Fatal(err)
	}
	blob, err := cl.TemplateInfo(ctx, dtDistList, 1252, 0x407)
	if err != nil || readBlob(t, blob)[0].text != "Allgemein" {
		t.Fatalf("TemplateInfo: %x %v", blob, err)
	}
	if _, err := cl.TemplateInfo(ctx, dtDistList, 1252, 0x40c); err == nil {
		t.Error("TemplateInfo of an unknown locale: no error")
	}
}

// modified is a copy of b that f changed.
func modified(b []byte, f func(b []byte)) []byte {
	b = bytes.Clone(b)
	f(b)
	return b
}

func TestParsePakErrors(t *testing.T) {
	good := buildPak(pakFile{"409-0.abkt", []byte("abc")})
	le := binary.LittleEndian
	mod := func(f func(b []byte)) []byte { return modified(good, f) }
	for name, b := range map[string][]byte{
		"empty":                   nil,
		"short":                   []byte("PACK\x0c\x00"),
		"magic":                   mod(func(b []byte) { b[0] = 'X' }),
		"directory past the end":  mod(func(b []byte) { le.PutUint32(b[8:], 128) }),
		"directory offset":        mod(func(b []byte) { le.PutUint32(b[4:], 1<<31) }),
		"entry data past the end": mod(func(b []byte) { le.PutUint32(b[12+60:], 4) }),
		"entry offset":            mod(func(b []byte) { le.PutUint32(b[12+56:], 0xffffffff) }),
		"entries overlap": func() []byte {
			b := buildPak(pakFile{"409-0.abkt", make([]byte, 200)}, pakFile{"409-1.abkt", nil})
			copy(b[12+64+56:], b[12+56:12+64]) // the second entry is the first's data
			return b
		}(),
	} {
		if _, err := parsePak(b); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	e, err := parsePak(good)
	if err != nil || len(e) != 1 || e[0].name != "409-0.abkt" || string(e[0].data) != "abc" {
		t.Errorf("good pak: %+v %v", e, err)
	}
	// A directory length that is not a multiple of 64: the rest is
	// ignored, as upstream does.
	if e, err := parsePak(mod(func(b []byte) { le.PutUint32(b[8:], 63) })); err != nil || len(e) != 0 {
		t.Errorf("short directory: %+v %v", e, err)
	}
}

func TestParseTemplateErrors(t *testing.T) {
	good := buildTemplate(1, testControl{kind: ctLabel, text: "x"})
	le := binary.LittleEndian
	mod := func(f func(b []byte)) []byte { return modified(good, f) }
	for name, b := range map[string][]byte{
		"empty":               nil,
		"type 3":              mod(func(b []byte) { le.PutUint32(b, 3) }),
		"rows past the end":   mod(func(b []byte) { le.PutUint32(b[4:], 2) }),
		"huge row count":      mod(func(b []byte) { le.PutUint32(b[4:], 0xffffffff) }),
		"string past the end": mod(func(b []byte) { le.PutUint32(b[8+32:], 1000) }),
		"unterminated string": good[:len(good)-2],
		"odd string end":      mod(func(b []byte) { le.PutUint32(b[8+32:], uint32(len(b)-1)) }),
	} {
		if _, err := parseTemplate(b); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if tpl, err := parseTemplate(good); err != nil || len(tpl.rows) != 1 || tpl.rows[0].text != "x" {
		t.Errorf("good template: %+v %v", tpl, err)
	}

	// Rows may share a string, but not so often that the template would
	// go out many times larger than it is.
	shared := func(rows int) []byte {
		cs := make([]testControl, rows)
		for i := range cs {
			cs[i] = testControl{kind: ctLabel, text: strings.Repeat("x", 100)}
		}
		b := buildTemplate(1, cs...)
		for i := range rows {
			le.PutUint32(b[8+36*i+32:], uint32(8+36*rows))
		}
		return b[:8+36*rows+202]
	}
	if tpl, err := parseTemplate(shared(2)); err != nil || tpl.rows[1].text != tpl.rows[0].text {
		t.Errorf("two rows sharing a string: %v", err)
	}
	if _, err := parseTemplate(shared(1000)); err == nil {
		t.Error("1000 rows sharing a string of 100: no error")
	}
}

// TestCorruptTemplates: a corrupt pak or template is logged as an error at
// start and answered MAPI_E_UNKNOWN_LCID; the good templates are served.
func TestCorruptTemplates(t *testing.T) {
	good := buildTemplate(1, testControl{kind: ctLabel, text: "first"})
	pak := buildPak(
		pakFile{"409-0.abkt", good},
		pakFile{"409-1.abkt", good[:len(good)-3]},
		pakFile{"409-0.abkt", buildTemplate(1, testControl{kind: ctLabel, text: "second"})},
		pakFile{"0409-2.abkt", good}, // not upstream's name of 409-2
	)
	core, logs := observer.New(zap.InfoLevel)
	tpl := loadTemplates(config.SearchPath{pakDir(t, pak)}, zap.New(core))
	if tpl.Len() != 1 || tpl.lookup(0x409, 0) == nil || tpl.lookup(0x409, 0).rows[0].text != "first" {
		t.Fatalf("templates: %+v", tpl)
	}
	errs := logs.FilterLevelExact(zap.ErrorLevel).All()
	if len(errs) != 2 || !strings.Contains(errs[0].ContextMap()["error"].(string), "409-1.abkt") ||
		!strings.Contains(errs[1].ContextMap()["error"].(string), "409-0.abkt") {
		t.Errorf("logged: %+v", errs)
	}

	c := templateEnv(t, pakDir(t, pak))
	for typ, want := range map[uint32]mapi.ErrorCode{0: 0, 1: ecUnknownLCID, 2: ecUnknownLCID} {
		if ec, _ := c.templateInfo(&wire.GetTemplateInfoRequest{Flags: tiTemplate, DisplayType: typ, CodePage: 1252, LocaleID: 0x409}); ec != want {
			t.Errorf("409-%x: %v, want %v", typ, ec, want)
		}
	}

	for name, pak := range map[string][]byte{
		"not a pak":   []byte("PK\x03\x04 a zip file"),
		"truncated":   pak[:40],
		"a directory": nil,
	} {
		dir := t.TempDir()
		path := filepath.Join(dir, TemplatePak)
		var err error
		if pak == nil {
			err = os.Mkdir(path, 0o755)
		} else {
			err = os.WriteFile(path, pak, 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
		core, logs := observer.New(zap.InfoLevel)
		if tpl := loadTemplates(config.SearchPath{dir}, zap.New(core)); tpl != nil {
			t.Errorf("%s: templates %+v", name, tpl)
		}
		if l := logs.FilterLevelExact(zap.ErrorLevel).All(); len(l) != 1 {
			t.Errorf("%s: logged %+v", name, logs.All())
		}
		c := templateEnv(t, dir)
		if ec, _ := c.templateInfo(&wire.GetTemplateInfoRequest{Flags: tiTemplate, CodePage: 1252, LocaleID: 0x409}); ec != ecUnknownLCID {
			t.Errorf("%s: %v", name, ec)
		}
	}

	// No pak at all: an informational line, and today's answer.
	core, logs = observer.New(zap.InfoLevel)
	if tpl := loadTemplates(config.SearchPath{t.TempDir()}, zap.New(core)); tpl != nil || logs.FilterLevelExact(zap.InfoLevel).Len() != 1 || logs.Len() != 1 {
		t.Errorf("no pak: %+v, logged %+v", tpl, logs.All())
	}
}

// upstreamRepo is where a mirror of upstream Gromox may be.
const upstreamRepo = "/work/.mirror/grommunio+gromox/repo"

// upstreamTemplates reads upstream's .abkt files from a mirror of its
// repository, when there is one.
func upstreamTemplates(t testing.TB) []pakFile {
	t.Helper()
	if _, err := os.Stat(upstreamRepo); err != nil {
		t.Skip("no mirror of upstream Gromox:", err)
	}
	files, err := gitFiles(upstreamRepo, "data/", ".abkt")
	if err != nil || len(files) == 0 {
		t.Skip("upstream's templates not readable:", err)
	}
	return files
}

// TestUpstreamTemplates loads upstream's templates, packed as upstream
// packs them: every one parses, and goes out with the same strings.
func TestUpstreamTemplates(t *testing.T) {
	files := upstreamTemplates(t)
	t.Logf("%d upstream templates", len(files))
	tpl, skipped, err := parseTemplates(buildPak(files...))
	if err != nil || len(skipped) > 0 || tpl.Len() != len(files) {
		t.Fatalf("%d files: %d templates, skipped %v, %v", len(files), tpl.Len(), skipped, err)
	}
	for _, f := range files {
		k, _ := parseTemplateName(f.name)
		src := tpl.lookup(k.lcid, k.displayType)
		rows := readBlob(t, src.encode(codePageUTF8))
		for i, r := range rows {
			if r.text != src.rows[i].text {
				t.Fatalf("%s row %d: %q, want %q", f.name, i, r.text, src.rows[i].text)
			}
		}
	}
	// en-US user (MS-OXOABKT 4.2 shows the same first rows), and
	// languages whose text fits their Windows code page.
	rows := readBlob(t, tpl.lookup(0x409, 0).encode(1252))
	if len(rows) != 0x41 || rows[0].kind != ctPage || rows[0].text != "General" || rows[1].kind != ctGroupBox || rows[1].text != "Name" {
		t.Errorf("409-0: %d rows, %+v %+v", len(rows), rows[0], rows[1])
	}
	for lcid, cp := range map[uint32]uint32{0x407: 1252, 0x40c: 1252, 0x419: 1251, 0x411: 932, 0x804: 936, 0x412: 949, 0x404: 950, 0x415: 1250} {
		src := tpl.lookup(lcid, 0)
		for i, r := range readBlob(t, src.encode(cp)) {
			if got := from8(r.text, cp); got != src.rows[i].text {
				t.Errorf("%x-0 in %d row %d: %q, want %q", lcid, cp, i, got, src.rows[i].text)
			}
		}
	}
}

// gitFiles reads the files under dir whose names end in ext from the HEAD
// of a bare repository, named by their base names.
func gitFiles(repo, dir, ext string) ([]pakFile, error) {
	out, err := exec.Command("git", "--git-dir="+repo, "archive", "--format=tar", "HEAD", dir).Output()
	if err != nil {
		return nil, err
	}
	var files []pakFile
	tr := tar.NewReader(bytes.NewReader(out))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return files, nil
		}
		if err != nil {
			return nil, err
		}
		if !strings.HasSuffix(h.Name, ext) {
			continue
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			return nil, err
		}
		files = append(files, pakFile{path.Base(h.Name), b})
	}
}
