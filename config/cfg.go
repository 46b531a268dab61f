package config

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// MaxLineLength is the longest line, in bytes without its line terminator,
// that a .cfg file may have (doc/gromox.7).
const MaxLineLength = 1024

// Entry is one key = value line of a .cfg file.
type Entry struct {
	Key   string // lower-cased
	Value string // whitespace-trimmed, otherwise verbatim
	Line  int    // 1-based
}

// File is a parsed .cfg file: its entries in file order. A key that appears
// more than once keeps every entry; the last one counts, as in upstream.
type File struct {
	Name    string // as given to ParseCfg (usually the path); names errors
	Entries []Entry
	// Skipped are the lines without '=' that were ignored, as upstream
	// ignores them; loading a directive table reports them as warnings.
	Skipped []Warning
	last    map[string]int // key → index in Entries of its last entry
}

// Get returns the entry that counts for key (the last one), which is looked
// up without regard to ASCII case.
func (f *File) Get(key string) (Entry, bool) {
	if f == nil {
		return Entry{}, false
	}
	i, ok := f.last[lowerASCII(key)]
	if !ok {
		return Entry{}, false
	}
	return f.Entries[i], true
}

// Map returns every key with the value that counts for it.
func (f *File) Map() map[string]string {
	m := make(map[string]string, len(f.last))
	for k, i := range f.last {
		m[k] = f.Entries[i].Value
	}
	return m
}

// WriteTo writes f back in .cfg syntax, one "key=value" line per entry in
// file order (comments and blank lines are not kept). Parsing the output
// gives the same entries, so the same Map.
func (f *File) WriteTo(w io.Writer) (int64, error) {
	var b bytes.Buffer
	for _, e := range f.Entries {
		b.WriteString(e.Key)
		b.WriteByte('=')
		b.WriteString(e.Value)
		b.WriteByte('\n')
	}
	return b.WriteTo(w)
}

// lowerASCII lower-cases ASCII letters only, as upstream's HX_strlower does
// in the "C" locale; other bytes are kept, so the length never changes.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// lineScanner yields the lines of r without terminators ("\n" or "\r\n"),
// counting them, with an optional length limit. A UTF-8 byte order mark at
// the start is skipped.
type lineScanner struct {
	name  string
	sc    *bufio.Scanner
	line  int
	limit int
}

func newLineScanner(name string, r io.Reader, limit int) *lineScanner {
	sc := bufio.NewScanner(r)
	max := 1 << 20
	if limit > 0 {
		// Room for the limit, a "\r\n" and one byte more, so that a line
		// one byte too long is seen whole and reported as such.
		max = limit + 3
	}
	sc.Buffer(make([]byte, 0, min(max, 4096)), max)
	return &lineScanner{name: name, sc: sc, limit: limit}
}

// next returns the next line. At the end it returns io.EOF.
func (ls *lineScanner) next() (string, error) {
	if !ls.sc.Scan() {
		err := ls.sc.Err()
		if err == nil {
			return "", io.EOF
		}
		if errors.Is(err, bufio.ErrTooLong) {
			ls.line++
			return "", &Error{File: ls.name, Line: ls.line,
				Reason: fmt.Sprintf("line longer than %d bytes", ls.limit), Err: ErrSyntax}
		}
		return "", &Error{File: ls.name, Line: ls.line, Reason: err.Error(), Err: err}
	}
	ls.line++
	s := ls.sc.Text()
	if ls.line == 1 {
		s = strings.TrimPrefix(s, "\uFEFF")
	}
	if ls.limit > 0 && len(s) > ls.limit {
		return "", &Error{File: ls.name, Line: ls.line,
			Reason: fmt.Sprintf("line longer than %d bytes", ls.limit), Err: ErrSyntax}
	}
	if strings.IndexByte(s, 0) >= 0 {
		return "", &Error{File: ls.name, Line: ls.line, Reason: "NUL byte in line", Err: ErrSyntax}
	}
	return s, nil
}

var errNoEquals = errors.New("config: no '=' in line")

// splitKeyValue splits a "key = value" line at its first '=' and checks the
// key. The value may contain further '=' characters.
func splitKeyValue(name string, lineNo int, line string) (Entry, error) {
	k, v, ok := strings.Cut(line, "=")
	if !ok {
		return Entry{}, errNoEquals
	}
	k = strings.Trim(k, cSpace)
	if k == "" {
		return Entry{}, &Error{File: name, Line: lineNo, Reason: "empty key", Err: ErrSyntax}
	}
	if strings.IndexAny(k, cSpace) >= 0 {
		return Entry{}, &Error{File: name, Line: lineNo,
			Reason: fmt.Sprintf("key %q contains whitespace", k), Err: ErrSyntax}
	}
	return Entry{Key: lowerASCII(k), Value: strings.Trim(v, cSpace), Line: lineNo}, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// ParseCfg reads a .cfg file (doc/gromox.7 "Configuration files"): one
// "key = value" per line, split at the first '=', whitespace trimmed around
// key and value; blank lines and lines whose first non-blank character is
// '#' are skipped; no inline comments and no escapes. Keys are
// case-insensitive and stored lower-case. Lines are at most MaxLineLength
// bytes. An empty key, a key containing whitespace, a NUL byte or a line too
// long is an *Error naming name and the line. A line without '=' is skipped
// as upstream skips it, and listed in File.Skipped so that it is reported.
func ParseCfg(name string, r io.Reader) (*File, error) {
	f := &File{Name: name, last: make(map[string]int)}
	ls := newLineScanner(name, r, MaxLineLength)
	for {
		line, err := ls.next()
		if err == io.EOF {
			return f, nil
		}
		if err != nil {
			return nil, err
		}
		t := strings.TrimLeft(line, cSpace)
		if t == "" || t[0] == '#' {
			continue
		}
		e, err := splitKeyValue(name, ls.line, t)
		if errors.Is(err, errNoEquals) {
			f.Skipped = append(f.Skipped, Warning{File: name, Line: ls.line,
				Reason: fmt.Sprintf("not a key = value line, ignored: %q", truncate(strings.Trim(t, cSpace), 60))})
			continue
		}
		if err != nil {
			return nil, err
		}
		f.last[e.Key] = len(f.Entries)
		f.Entries = append(f.Entries, e)
	}
}

// ReadCfg reads and parses the .cfg file at path.
func ReadCfg(path string) (*File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	return ParseCfg(path, fh)
}
