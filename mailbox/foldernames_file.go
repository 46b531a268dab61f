package mailbox

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"unicode/utf8"

	"github.com/gromox-go/gromox/config"
)

// FolderNameFile is upstream's data file of the built-in folders' names in
// every language it has (gromox 3.10 installs it in /usr/share/gromox; its
// mkprivate, set-locale and zcore read it). Its format:
//
//	[de]
//	0d=Posteingang
//	ff=Deutsch
//
// A line "[name]" starts the section of a language (an XPG locale without
// encoding, as ResolveFolderLanguage looks it up: "de", "pt_BR",
// "sr_RS@latin"); text after the "]" is ignored and a repeated section adds
// to the first. Each other line is "id=name": id is read as C's strtoul
// reads base 16 (leading white space, a sign, "0x", then the longest run of
// hex digits, so "Archive" is 0x0a), name is the rest of the line, as is.
// The first name of an id in a section counts. Lines are ended by "\n";
// trailing "\r"s are removed; a NUL ends a line's text. Empty lines are
// allowed.
const FolderNameFile = "folder_names.txt"

// maxFolderNameFile bounds what LoadFolderLanguages reads (upstream's file
// is about 100 KiB).
const maxFolderNameFile = 16 << 20

// FolderNamesLoad says what LoadFolderLanguages installed.
type FolderNamesLoad struct {
	Path      string // the file read; "" when none was (the built-in names)
	Languages int    // sections in it
	Skipped   int    // malformed lines skipped
	FirstSkip int    // line number of the first skipped line; 0 if none
}

// String describes the load in one line, for a log.
func (l FolderNamesLoad) String() string {
	if l.Path == "" {
		return fmt.Sprintf("folder names: built-in table (%d languages)", len(*builtinFolderNames()))
	}
	s := fmt.Sprintf("folder names: %s: %d language(s)", l.Path, l.Languages)
	if l.Skipped > 0 {
		s += fmt.Sprintf(", %d malformed lines skipped (the first is line %d)", l.Skipped, l.FirstSkip)
	}
	return s
}

// LoadFolderLanguages reads FolderNameFile from the first directory of
// dirs (data_file_path) that has it and installs its names for every
// process-wide user of FolderName, ResolveFolderLanguage and
// FolderLanguages: a language of the file gets exactly the file's names
// (missing ones fall back to English, as upstream), languages only in the
// built-in table keep theirs. Call it once at start-up; it may be called
// again to reload.
//
// On any error the built-in table is installed: when no directory has the
// file the error wraps fs.ErrNotExist; a file that cannot be read, is too
// big or has no section at all is an error naming the file. Malformed lines
// are skipped and counted in the result, which is not an error.
func LoadFolderLanguages(dirs config.SearchPath) (FolderNamesLoad, error) {
	load, set, err := readFolderNameFile(dirs)
	if err != nil {
		currentFolderNames.Store(builtinFolderNames())
		return FolderNamesLoad{}, err
	}
	currentFolderNames.Store(set)
	return load, nil
}

// readFolderNameFile finds, reads and parses FolderNameFile, and merges it
// over the built-in names.
func readFolderNameFile(dirs config.SearchPath) (FolderNamesLoad, *folderNameSet, error) {
	path, err := dirs.Find(FolderNameFile)
	if errors.Is(err, fs.ErrNotExist) {
		return FolderNamesLoad{}, nil, fmt.Errorf("%s not found in data_file_path %q: %w", FolderNameFile, dirs.String(), fs.ErrNotExist)
	}
	if err != nil {
		return FolderNamesLoad{}, nil, fmt.Errorf("folder names: %w", err)
	}
	f, err := os.Open(path)
	if err != nil {
		return FolderNamesLoad{}, nil, fmt.Errorf("folder names: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFolderNameFile+1))
	if err != nil {
		return FolderNamesLoad{}, nil, fmt.Errorf("folder names: %s: %w", path, err)
	}
	if len(data) > maxFolderNameFile {
		return FolderNamesLoad{}, nil, fmt.Errorf("folder names: %s: larger than %d bytes", path, maxFolderNameFile)
	}
	langs, skipped, first := parseFolderNames(data)
	if len(langs) == 0 {
		return FolderNamesLoad{}, nil, fmt.Errorf("folder names: %s: no [language] section (%d malformed lines)", path, skipped)
	}
	builtin := *builtinFolderNames()
	set := make(folderNameSet, len(builtin)+len(langs))
	for l, names := range builtin {
		set[l] = names
	}
	for l, names := range langs {
		set[l] = names
	}
	return FolderNamesLoad{Path: path, Languages: len(langs), Skipped: skipped, FirstSkip: first}, &set, nil
}

// parseFolderNames parses the text of a FolderNameFile into names per
// section. Lines it cannot use are counted in skipped (first: the line
// number of the first): a section header without "]", an entry before any
// section, without "=" or without a hex id, and a name that is not UTF-8
// (upstream would store its bytes; a store's names are UTF-8). Lines
// starting with "#" or ";" are comments, skipped without being counted.
func parseFolderNames(data []byte) (langs map[string]map[uint64]string, skipped, first int) {
	langs = map[string]map[uint64]string{}
	var cur map[uint64]string
	skip := func(n int) {
		skipped++
		if first == 0 {
			first = n
		}
	}
	for n := 1; len(data) > 0; n++ {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		if i := bytes.IndexByte(line, 0); i >= 0 {
			line = line[:i]
		}
		line = bytes.TrimRight(line, "\r\n")
		switch {
		case len(line) == 0, line[0] == '#', line[0] == ';':
			continue
		case line[0] == '[':
			end := bytes.IndexByte(line[1:], ']')
			if end < 0 {
				skip(n)
				continue
			}
			name := string(line[1 : 1+end])
			if langs[name] == nil {
				langs[name] = map[uint64]string{}
			}
			cur = langs[name]
			continue
		}
		key, value, ok := bytes.Cut(line, []byte{'='})
		if !ok || cur == nil || !utf8.Valid(value) {
			skip(n)
			continue
		}
		id, ok := parseHexID(key)
		if !ok {
			skip(n)
			continue
		}
		if _, dup := cur[id]; !dup {
			cur[id] = string(value)
		}
	}
	return langs, skipped, first
}

// parseHexID reads a text id as upstream does (strtoul base 16 into an
// unsigned int): optional leading white space, a sign and "0x", then the
// hex digits up to the first other byte; it overflows to the maximum and
// wraps to 32 bits. It reports false when there is no digit.
func parseHexID(s []byte) (uint64, bool) {
	i := 0
	for i < len(s) && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	if i+2 < len(s) && s[i] == '0' && (s[i+1] == 'x' || s[i+1] == 'X') && hexDigit(s[i+2]) >= 0 {
		i += 2
	}
	var v uint64
	digits, overflow := 0, false
	for ; i < len(s) && hexDigit(s[i]) >= 0; i++ {
		if v > math.MaxUint64>>4 {
			overflow = true
		}
		v = v<<4 | uint64(hexDigit(s[i]))
		digits++
	}
	switch {
	case digits == 0:
		return 0, false
	case overflow:
		v = math.MaxUint64
	case neg:
		v = -v
	}
	return uint64(uint32(v)), true
}

// hexDigit returns the value of a hex digit, or -1.
func hexDigit(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}
