package config

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

var testTable = Table{File: "test.cfg", Directives: []Directive{
	{Key: "name", Default: "anon"},
	{Key: "enabled", Default: "no", Type: Bool},
	{Key: "threshold", Default: "-1", Type: Int, Min: "-5", Max: "64k"},
	{Key: "buffer", Default: "256K", Type: Size, Min: "192K", Max: "1G"},
	{Key: "timeout", Default: "3min", Type: Duration, Min: "30s", Max: "1h"},
	{Key: "interval", Default: "1min", Type: Seconds, Min: "1s"},
	{Key: "listen_port", AliasOf: "http_listen_port"},
	{Key: "http_listen_port", Default: "80", Type: Int},
	{Key: "old_name", AliasOf: "listen_port"}, // alias of an alias
}}

func applyString(t *testing.T, tb *Table, in string) (*Values, []Warning, error) {
	t.Helper()
	f, err := ParseCfg("test.cfg", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	var warns []Warning
	v, err := tb.Apply(f, func(w Warning) { warns = append(warns, w) })
	return v, warns, err
}

func TestDirectiveDefaults(t *testing.T) {
	v := testTable.Defaults()
	if v.String("name") != "anon" || v.Bool("enabled") || v.Int("threshold") != -1 ||
		v.Size("buffer") != 256<<10 || v.Duration("timeout") != 3*time.Minute ||
		v.Duration("interval") != time.Minute || v.Int("http_listen_port") != 80 {
		t.Errorf("defaults wrong: %+v", v.vals)
	}
	if v.IsSet("name") || v.Line("name") != 0 || v.Path != "" {
		t.Errorf("defaults look set: line %d path %q", v.Line("name"), v.Path)
	}
	if got, want := v.Keys(), []string{"buffer", "enabled", "http_listen_port", "interval", "name", "threshold", "timeout"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Keys() = %q", got)
	}
}

func TestDirectiveTyping(t *testing.T) {
	v, warns, err := applyString(t, &testTable, `
NAME = Some Name
enabled = yes
threshold = 2k
buffer = 1.5M
timeout = 1.5min
interval = 2.5s
`)
	if err != nil {
		t.Fatal(err)
	}
	if len(warns) != 0 {
		t.Errorf("warnings: %v", warns)
	}
	if v.String("name") != "Some Name" || !v.Bool("enabled") || v.Int("threshold") != 2048 ||
		v.Size("buffer") != 1572864 || v.Duration("timeout") != 90*time.Second ||
		v.Duration("interval") != 2*time.Second {
		t.Errorf("values wrong: %+v", v.vals)
	}
	if v.String("buffer") != "1.5M" || v.Line("buffer") != 5 || !v.IsSet("Buffer") || v.Path != "test.cfg" {
		t.Errorf("raw/line wrong: %q %d", v.String("buffer"), v.Line("buffer"))
	}
}

func TestDirectiveClamps(t *testing.T) {
	for _, tc := range []struct {
		in    string
		check func(*Values) bool
	}{
		{"threshold = -100", func(v *Values) bool { return v.Int("threshold") == -5 }},
		{"threshold = 1M", func(v *Values) bool { return v.Int("threshold") == 64<<10 }},
		{"buffer = 1k", func(v *Values) bool { return v.Size("buffer") == 192<<10 }},
		{"buffer = 2G", func(v *Values) bool { return v.Size("buffer") == 1<<30 }},
		{"timeout = 1s", func(v *Values) bool { return v.Duration("timeout") == 30*time.Second }},
		{"timeout = 1day", func(v *Values) bool { return v.Duration("timeout") == time.Hour }},
		{"interval = 0", func(v *Values) bool { return v.Duration("interval") == time.Second }},
		{"interval = 500ms", func(v *Values) bool { return v.Duration("interval") == time.Second }},
	} {
		v, warns, err := applyString(t, &testTable, tc.in+"\n")
		if err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		if !tc.check(v) {
			t.Errorf("%s: not clamped: %+v", tc.in, v.vals)
		}
		if len(warns) != 1 || warns[0].Line != 1 || !strings.Contains(warns[0].Reason, "imum") {
			t.Errorf("%s: warnings %v", tc.in, warns)
		}
	}
	// In range: no warning.
	if _, warns, _ := applyString(t, &testTable, "timeout = 30s\nbuffer=192K\n"); len(warns) != 0 {
		t.Errorf("in-range values warned: %v", warns)
	}
}

func TestDirectiveAliases(t *testing.T) {
	v, warns, err := applyString(t, &testTable, "listen_port = 8080\n")
	if err != nil || len(warns) != 0 {
		t.Fatal(err, warns)
	}
	if v.Int("http_listen_port") != 8080 || v.Int("listen_port") != 8080 || v.Line("http_listen_port") != 1 {
		t.Errorf("alias not applied: %d", v.Int("http_listen_port"))
	}
	// Both names: the later line wins, whichever it is.
	v, _, _ = applyString(t, &testTable, "listen_port = 8080\nhttp_listen_port = 81\n")
	if v.Int("http_listen_port") != 81 {
		t.Errorf("later line lost: %d", v.Int("http_listen_port"))
	}
	v, _, _ = applyString(t, &testTable, "http_listen_port = 81\nold_name = 82\n")
	if v.Int("http_listen_port") != 82 {
		t.Errorf("alias chain: %d", v.Int("http_listen_port"))
	}
	// An error under an alias names the key as written.
	_, _, err = applyString(t, &testTable, "listen_port = eighty\n")
	var ce *Error
	if !errors.As(err, &ce) || ce.Key != "listen_port" || ce.Line != 1 {
		t.Errorf("alias error: %v", err)
	}
	v, _, _ = applyString(t, &testTable, "listen_port = 8080\n")
	if e := v.Errorf("http_listen_port", "taken"); e.Key != "listen_port" || e.Line != 1 || e.File != "test.cfg" {
		t.Errorf("Errorf through alias: %+v", e)
	}
}

func TestUnknownKeysWarnedOnce(t *testing.T) {
	v, warns, err := applyString(t, &testTable, "name=x\nfoo=1\nbar=2\nFOO=3\nfoo=4\n")
	if err != nil {
		t.Fatal(err)
	}
	want := []Warning{
		{File: "test.cfg", Line: 2, Key: "foo", Reason: "unknown key (ignored)"},
		{File: "test.cfg", Line: 3, Key: "bar", Reason: "unknown key (ignored)"},
	}
	if !reflect.DeepEqual(warns, want) {
		t.Errorf("warnings:\n got %v\nwant %v", warns, want)
	}
	// Unknown keys are kept, as upstream keeps them.
	if val, line, ok := v.Lookup("foo"); !ok || val != "4" || line != 5 {
		t.Errorf("Lookup(foo) = %q, %d, %v", val, line, ok)
	}
	// A nil callback is fine.
	f, _ := ParseCfg("test.cfg", strings.NewReader("foo=1\n"))
	if _, err := testTable.Apply(f, nil); err != nil {
		t.Error(err)
	}
}

func TestDirectiveErrors(t *testing.T) {
	for _, tc := range []struct {
		in, key string
		line    int
		is      error
	}{
		{"name=a\nenabled=1\nthreshold = lots\n", "threshold", 3, ErrSyntax},
		{"buffer = -1\n", "buffer", 1, ErrRange},
		{"buffer = 16E\n", "buffer", 1, ErrRange},
		{"# c\n\ntimeout = 90\n", "timeout", 3, ErrSyntax},
		{"timeout = -1h\n", "timeout", 1, ErrRange},
		{"interval = 1 fortnight\n", "interval", 1, ErrSyntax},
		{"Threshold = 1.5.5\n", "threshold", 1, ErrSyntax},
	} {
		_, _, err := applyString(t, &testTable, tc.in)
		var ce *Error
		if !errors.As(err, &ce) {
			t.Errorf("%q: %v is not an *Error", tc.in, err)
			continue
		}
		if ce.File != "test.cfg" || ce.Line != tc.line || ce.Key != tc.key || !errors.Is(err, tc.is) {
			t.Errorf("%q: got %+v", tc.in, ce)
		}
		if want := "test.cfg:" + string(rune('0'+tc.line)) + ": " + tc.key + ": "; !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%q: message %q lacks prefix %q", tc.in, err, want)
		}
	}
	// The first bad value stops loading: a second is not reported.
	_, warns, err := applyString(t, &testTable, "buffer=x\nunknown=1\n")
	if err == nil || len(warns) != 0 {
		t.Errorf("went on after an error: %v %v", err, warns)
	}
}

func TestLaxBool(t *testing.T) {
	v, warns, err := applyString(t, &testTable, "enabled = maybe\n")
	if err != nil {
		t.Fatal(err)
	}
	if !v.Bool("enabled") {
		t.Error("upstream reads an unknown boolean word as true")
	}
	if len(warns) != 1 || warns[0].Key != "enabled" || warns[0].Line != 1 {
		t.Errorf("warnings: %v", warns)
	}
}

func TestValuesMisuse(t *testing.T) {
	v := testTable.Defaults()
	for name, f := range map[string]func(){
		"unknown key": func() { v.String("nonexistent") },
		"wrong type":  func() { v.Bool("buffer") },
		"size as int": func() { v.Int("buffer") },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

// TestTables checks our own tables: defaults parse, keys are lower-case and
// unique, aliases point at directives of the same table.
func TestTables(t *testing.T) {
	for _, tb := range Tables() {
		seen := map[string]bool{}
		for _, d := range tb.Directives {
			if d.Key != lowerASCII(d.Key) || strings.ContainsAny(d.Key, cSpace+"=") || d.Key == "" {
				t.Errorf("%s: bad key %q", tb.File, d.Key)
			}
			if seen[d.Key] {
				t.Errorf("%s: %s twice", tb.File, d.Key)
			}
			seen[d.Key] = true
			if d.AliasOf != "" {
				if _, ok := tb.lookup(d.Key); !ok {
					t.Errorf("%s: alias %s → %s leads nowhere", tb.File, d.Key, d.AliasOf)
				}
				continue
			}
			if _, _, _, err := typed(d, d.Default); err != nil {
				t.Errorf("%s: %s: default: %v", tb.File, d.Key, err)
			}
			for _, b := range []string{d.Min, d.Max} {
				if b == "" {
					continue
				}
				if d.Type == String || d.Type == Bool {
					t.Errorf("%s: %s: min/max on a %v", tb.File, d.Key, d.Type)
				}
				if _, _, _, err := typed(Directive{Key: d.Key, Type: d.Type}, b); err != nil {
					t.Errorf("%s: %s: bound %q: %v", tb.File, d.Key, b, err)
				}
			}
		}
		tb.Defaults() // must not panic
	}
}
