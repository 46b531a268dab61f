package config

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// IniEntry is one key = value line of an .ini file.
type IniEntry struct {
	Section string // lower-cased; "" before the first [section] header
	Key     string // lower-cased
	Value   string
	Line    int
}

// Ini is a parsed .ini file (upstream's autodiscover.ini, which its PHP
// code reads with parse_ini_file).
type Ini struct {
	Name    string
	Entries []IniEntry // in file order
	last    map[[2]string]int
}

// Get returns the value key has in section (both looked up without regard
// to ASCII case; section "" is the part before any header). A key given
// twice in one section has its last value.
func (f *Ini) Get(section, key string) (IniEntry, bool) {
	i, ok := f.last[[2]string{lowerASCII(section), lowerASCII(key)}]
	if !ok {
		return IniEntry{}, false
	}
	return f.Entries[i], true
}

// Find returns the last value of key in any section. Upstream's C++
// autodiscover reads autodiscover.ini with its .cfg reader, which skips
// the section headers, so there the last line of a key counts whatever its
// section.
func (f *Ini) Find(key string) (IniEntry, bool) {
	key = lowerASCII(key)
	for i := len(f.Entries) - 1; i >= 0; i-- {
		if f.Entries[i].Key == key {
			return f.Entries[i], true
		}
	}
	return IniEntry{}, false
}

// Sections returns the section names in the order they first appear.
func (f *Ini) Sections() []string {
	var out []string
	seen := map[string]bool{}
	for _, e := range f.Entries {
		if !seen[e.Section] {
			seen[e.Section] = true
			out = append(out, e.Section)
		}
	}
	return out
}

// WriteTo writes f back in .ini syntax: entries in file order, a [section]
// header whenever the section changes. Parsing the output gives the same
// entries (sections, keys, values).
func (f *Ini) WriteTo(w io.Writer) (int64, error) {
	var b strings.Builder
	section := ""
	for _, e := range f.Entries {
		if e.Section != section {
			fmt.Fprintf(&b, "[%s]\n", e.Section)
			section = e.Section
		}
		v := e.Value
		if isQuoted(v) || v != strings.Trim(v, cSpace) {
			v = `"` + v + `"`
		}
		fmt.Fprintf(&b, "%s=%s\n", e.Key, v)
	}
	n, err := io.WriteString(w, b.String())
	return int64(n), err
}

// isQuoted reports whether v is wholly enclosed in one pair of double or
// single quotes.
func isQuoted(v string) bool {
	return len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0]
}

// ParseIni reads an .ini file: "[section]" header lines, "key = value"
// lines (split at the first '=', whitespace trimmed, keys and sections
// case-insensitive and stored lower-case), blank lines, and comment lines
// whose first non-blank character is ';' or '#'. A value wholly enclosed
// in one pair of double or single quotes loses them, as PHP's
// parse_ini_file does. Any other line is an *Error naming the line.
// Lines are at most 1 MiB.
func ParseIni(name string, r io.Reader) (*Ini, error) {
	f := &Ini{Name: name, last: make(map[[2]string]int)}
	ls := newLineScanner(name, r, 0)
	section := ""
	for {
		line, err := ls.next()
		if err == io.EOF {
			return f, nil
		}
		if err != nil {
			return nil, err
		}
		t := strings.Trim(line, cSpace)
		if t == "" || t[0] == ';' || t[0] == '#' {
			continue
		}
		if t[0] == '[' {
			if t[len(t)-1] != ']' {
				return nil, &Error{File: name, Line: ls.line, Reason: "section header without ]", Err: ErrSyntax}
			}
			s := strings.Trim(t[1:len(t)-1], cSpace)
			if strings.ContainsAny(s, "[]") {
				return nil, &Error{File: name, Line: ls.line, Reason: fmt.Sprintf("bad section name %q", s), Err: ErrSyntax}
			}
			section = lowerASCII(s)
			continue
		}
		e, err := splitKeyValue(name, ls.line, t)
		if errors.Is(err, errNoEquals) {
			err = &Error{File: name, Line: ls.line,
				Reason: fmt.Sprintf("not a key = value line: %q", truncate(strings.Trim(t, cSpace), 60)), Err: ErrSyntax}
		}
		if err != nil {
			return nil, err
		}
		v := e.Value
		if isQuoted(v) {
			v = v[1 : len(v)-1]
		}
		f.last[[2]string{section, e.Key}] = len(f.Entries)
		f.Entries = append(f.Entries, IniEntry{Section: section, Key: e.Key, Value: v, Line: e.Line})
	}
}

// ReadIni reads and parses the .ini file at path.
func ReadIni(path string) (*Ini, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	return ParseIni(path, fh)
}
