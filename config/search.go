package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// errNotFound is returned by SearchPath.Find when no directory has the file.
var errNotFound = fmt.Errorf("not found on the config search path: %w", fs.ErrNotExist)

// SearchPath is upstream's config_file_path: directories searched in order
// for a config file, e.g. a program's own directory before the shared one
// ("/etc/gromox/http:/etc/gromox").
type SearchPath []string

// ParseSearchPath splits a colon-separated directory list. Empty elements
// are dropped, as upstream does.
func ParseSearchPath(s string) SearchPath {
	var p SearchPath
	for _, d := range strings.Split(s, ":") {
		if d != "" {
			p = append(p, d)
		}
	}
	return p
}

// String joins p with colons.
func (p SearchPath) String() string { return strings.Join(p, ":") }

// Find returns the path of name in the first directory of p that has it.
// A name containing a slash is not searched for: it is returned as is if it
// exists. If no directory has the file the error wraps fs.ErrNotExist. Any
// other error (a directory that cannot be read, a file that is a
// directory) stops the search, as upstream stops on any error but ENOENT,
// rather than fall through to a less specific file.
func (p SearchPath) Find(name string) (string, error) {
	if strings.ContainsRune(name, '/') {
		return name, check(name)
	}
	for _, dir := range p {
		full := filepath.Join(dir, name)
		err := check(full)
		if err == nil {
			return full, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
	}
	return "", fmt.Errorf("%s: %w", name, errNotFound)
}

// check reports whether path is a file we can open.
func check(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if fi.IsDir() {
		return &fs.PathError{Op: "open", Path: path, Err: errors.New("is a directory")}
	}
	return nil
}
