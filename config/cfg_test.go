package config

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseCfg(t *testing.T) {
	in := "\uFEFF# comment\n" +
		"\n" +
		"   \t\n" +
		"   # indented comment = not a key\n" +
		"Key_One = value one  \n" +
		"key2=v=with=equals\r\n" +
		"\tkey3\t=\t\ttabbed\t\n" +
		"empty =\n" +
		"url = sendmail://localhost # not a comment\n" +
		"KEY2 = second wins\n" +
		"last = no newline"
	f, err := ParseCfg("test.cfg", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Entry{
		{"key_one", "value one", 5},
		{"key2", "v=with=equals", 6},
		{"key3", "tabbed", 7},
		{"empty", "", 8},
		{"url", "sendmail://localhost # not a comment", 9},
		{"key2", "second wins", 10},
		{"last", "no newline", 11},
	}
	if !reflect.DeepEqual(f.Entries, want) {
		t.Errorf("entries:\n got %+v\nwant %+v", f.Entries, want)
	}
	if e, ok := f.Get("KEY2"); !ok || e.Value != "second wins" || e.Line != 10 {
		t.Errorf("Get(KEY2) = %+v, %v", e, ok)
	}
	if _, ok := f.Get("missing"); ok {
		t.Error("Get(missing) found something")
	}
	m := f.Map()
	if m["key2"] != "second wins" || len(m) != 6 {
		t.Errorf("Map() = %v", m)
	}

	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	g, err := ParseCfg("again", &buf)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(g.Map(), m) {
		t.Errorf("round trip: %v != %v", g.Map(), m)
	}
}

func TestParseCfgErrors(t *testing.T) {
	long := "k=" + strings.Repeat("x", MaxLineLength-2)
	for _, tc := range []struct {
		name, in string
		line     int
		reason   string
	}{
		{"empty key", "a=1\nb=2\n = 3\n", 3, "empty key"},
		{"key with space", "foo bar = 1\n", 1, "contains whitespace"},
		{"too long", "a=1\n" + long + "y\n", 2, "longer than 1024"},
		{"far too long", "a=1\nb=2\n" + long + strings.Repeat("y", 5000) + "\n", 3, "longer than 1024"},
		{"too long at eof", long + "yy", 1, "longer than 1024"},
		{"NUL", "a=1\x00\n", 1, "NUL"},
	} {
		_, err := ParseCfg("x.cfg", strings.NewReader(tc.in))
		var ce *Error
		if !errors.As(err, &ce) {
			t.Errorf("%s: error %v is not an *Error", tc.name, err)
			continue
		}
		if ce.File != "x.cfg" || ce.Line != tc.line || !strings.Contains(ce.Reason, tc.reason) || !errors.Is(err, ErrSyntax) {
			t.Errorf("%s: got %+v, want line %d reason %q", tc.name, ce, tc.line, tc.reason)
		}
	}
	// Exactly the limit is fine, with either line terminator.
	for _, in := range []string{long + "\nb=2\n", long + "\r\nb=2\n", "b=2\n" + long} {
		f, err := ParseCfg("x.cfg", strings.NewReader(in))
		if err != nil || len(f.Entries) != 2 {
			t.Errorf("line of %d bytes: %v", MaxLineLength, err)
		} else if e, _ := f.Get("k"); len(e.Value) != MaxLineLength-2 {
			t.Errorf("line of %d bytes: value of %d bytes", MaxLineLength, len(e.Value))
		}
	}
}

// A line without '=' is skipped, as upstream skips it, and reported.
func TestParseCfgSkipsLinesWithoutEquals(t *testing.T) {
	f, err := ParseCfg("x.cfg", strings.NewReader("a = 1\nthis is not a pair\n[exchange]\nb=2\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Entries) != 2 || len(f.Skipped) != 2 || f.Skipped[0].Line != 2 || f.Skipped[1].Line != 3 {
		t.Fatalf("entries %v skipped %v", f.Entries, f.Skipped)
	}
	var warns []Warning
	tb := Table{File: "x.cfg", Directives: []Directive{{Key: "a", Type: Int}, {Key: "b", Type: Int}}}
	if _, err := tb.Apply(f, func(w Warning) { warns = append(warns, w) }); err != nil {
		t.Fatal(err)
	}
	if len(warns) != 2 || !strings.Contains(warns[0].String(), "x.cfg:2") {
		t.Fatalf("skipped lines not warned about: %v", warns)
	}
}

func TestErrorFormat(t *testing.T) {
	for _, tc := range []struct {
		e    Error
		want string
	}{
		{Error{File: "/etc/gromox/gromox.cfg", Line: 3, Key: "http_listen", Reason: "bad"}, "/etc/gromox/gromox.cfg:3: http_listen: bad"},
		{Error{File: "a.cfg", Line: 7, Reason: "line too long"}, "a.cfg:7: line too long"},
		{Error{File: "gromox.cfg", Key: "x", Reason: "bad default"}, "gromox.cfg: x: bad default"},
	} {
		if got := tc.e.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
	w := Warning{File: "a.cfg", Line: 2, Key: "k", Reason: "unknown key (ignored)"}
	if got := w.String(); got != "a.cfg:2: k: unknown key (ignored)" {
		t.Errorf("Warning.String() = %q", got)
	}
}

func TestParseIni(t *testing.T) {
	in := `; autodiscover.ini
organization = top level
[Database]
host = 'db.example.com'
Password = "p=a;s#s"
# comment
[exchange]
  ; comment
hostname = mail.example.com
organization = "Example Org"
[http-proxy]
/var/lib/gromox/user/ = mail1
[ Database ]
host = db2
`
	f, err := ParseIni("autodiscover.ini", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		section, key, want string
		line               int
	}{
		{"", "organization", "top level", 2},
		{"database", "host", "db2", 14},
		{"DATABASE", "PASSWORD", "p=a;s#s", 5},
		{"exchange", "hostname", "mail.example.com", 9},
		{"Exchange", "organization", "Example Org", 10},
		{"http-proxy", "/var/lib/gromox/user/", "mail1", 12},
	} {
		e, ok := f.Get(tc.section, tc.key)
		if !ok || e.Value != tc.want || e.Line != tc.line {
			t.Errorf("Get(%q, %q) = %+v, %v; want %q at %d", tc.section, tc.key, e, ok, tc.want, tc.line)
		}
	}
	if _, ok := f.Get("exchange", "host"); ok {
		t.Error("Get(exchange, host) found a key of another section")
	}
	if e, ok := f.Find("organization"); !ok || e.Value != "Example Org" {
		t.Errorf("Find(organization) = %+v, %v", e, ok)
	}
	if got, want := f.Sections(), []string{"", "database", "exchange", "http-proxy"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Sections() = %q, want %q", got, want)
	}

	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	g, err := ParseIni("again", &buf)
	if err != nil {
		t.Fatal(err)
	}
	if !sameIni(f, g) {
		t.Errorf("round trip:\n%+v\n%+v", f.Entries, g.Entries)
	}

	for _, bad := range []string{"[exchange\n", "[a]b]\n", "just words\n", "= v\n"} {
		_, err := ParseIni("bad.ini", strings.NewReader("; first\n"+bad))
		var ce *Error
		if !errors.As(err, &ce) || ce.Line != 2 || ce.File != "bad.ini" {
			t.Errorf("ParseIni(%q): %v", bad, err)
		}
	}
}

// sameIni compares sections, keys and values (not lines).
func sameIni(a, b *Ini) bool {
	if len(a.Entries) != len(b.Entries) {
		return false
	}
	for i := range a.Entries {
		x, y := a.Entries[i], b.Entries[i]
		if x.Section != y.Section || x.Key != y.Key || x.Value != y.Value {
			return false
		}
	}
	return true
}

func TestSearchPath(t *testing.T) {
	root := t.TempDir()
	prog := filepath.Join(root, "http")
	shared := root
	if err := os.Mkdir(prog, 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(shared, "both.cfg"), "a=shared\n")
	write(t, filepath.Join(prog, "both.cfg"), "a=prog\n")
	write(t, filepath.Join(shared, "shared.cfg"), "a=shared\n")
	if err := os.Mkdir(filepath.Join(prog, "dir.cfg"), 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(shared, "dir.cfg"), "a=shared\n")

	p := ParseSearchPath(prog + "::" + shared + ":")
	if want := (SearchPath{prog, shared}); !reflect.DeepEqual(p, want) {
		t.Fatalf("ParseSearchPath = %q, want %q", p, want)
	}
	if p.String() != prog+":"+shared {
		t.Errorf("String() = %q", p.String())
	}
	for _, tc := range []struct{ name, want string }{
		{"both.cfg", filepath.Join(prog, "both.cfg")},
		{"shared.cfg", filepath.Join(shared, "shared.cfg")},
		{filepath.Join(shared, "both.cfg"), filepath.Join(shared, "both.cfg")},
	} {
		if got, err := p.Find(tc.name); err != nil || got != tc.want {
			t.Errorf("Find(%q) = %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
	if _, err := p.Find("none.cfg"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Find(none.cfg): %v", err)
	}
	if _, err := p.Find(filepath.Join(shared, "none.cfg")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Find(absolute none.cfg): %v", err)
	}
	// A directory where the file should be stops the search rather than
	// falling through to the shared file.
	if got, err := p.Find("dir.cfg"); err == nil || errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Find(dir.cfg) = %q, %v; want an error", got, err)
	}
	// Missing directories are skipped.
	q := SearchPath{filepath.Join(root, "nonexistent"), shared}
	if got, err := q.Find("both.cfg"); err != nil || got != filepath.Join(shared, "both.cfg") {
		t.Errorf("Find past a missing directory = %q, %v", got, err)
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
