// Package config reads the server's configuration in upstream Gromox's
// formats, so that an existing /etc/gromox works unchanged.
//
// # Files
//
// A .cfg file (ParseCfg; doc/gromox.7 "Configuration files") has one
// "key = value" per line, split at the first '='; whitespace around key and
// value is trimmed; blank lines and lines whose first non-blank character
// is '#' are skipped; there are no inline comments and no escapes. Keys are
// case-insensitive and stored lower-case; when a key repeats, the last line
// counts. A line is at most MaxLineLength (1024) bytes. A line without '=',
// an empty key, a key with whitespace in it, a NUL byte or an overlong line
// is an *Error naming the file and line: upstream skips or accepts these
// silently, we refuse to half-load a damaged file.
//
// An .ini file (ParseIni) adds "[section]" headers and ';' comments; lookups
// are by section and key.
//
// Files are found on a SearchPath (upstream's config_file_path, e.g.
// "/etc/gromox/http:/etc/gromox"): the first directory that has the file
// wins. A file found nowhere leaves every directive at its default.
//
// # Directives
//
// Each file has a Table of Directives giving every key's Type, default,
// clamps and aliases (tables.go). Table.Apply turns a File into Values:
//
//   - Every entry of a key in the table is parsed as its type: Size and Int
//     by ParseSize's quantity syntax (powers of 1024), Duration and Seconds
//     by ParseDuration's time span syntax, Bool by ParseBool. A value that
//     does not parse, or overflows, stops loading with an *Error carrying
//     File, Line, Key and Reason ("file:line: key: reason").
//   - A number outside [Min, Max] is clamped to the bound, as upstream
//     clamps, and reported as a Warning. A boolean that is none of the usual
//     words is true, as in upstream, and reported as a Warning.
//   - A key not in the table is reported as a Warning, once per key at its
//     first line, and otherwise ignored.
//   - An alias key sets the key it names.
//
// Warnings go to a callback; nothing in this package logs.
//
// # Settings
//
// Load reads gromox.cfg and mysql_adaptor.cfg (and authmgr.cfg) into
// Settings, an immutable snapshot with typed fields; Embedded is the
// configuration `make run` uses without a config directory; Check validates
// a directory for `gromox config check`, reporting every problem rather
// than the first. Relative data paths resolve against data_path, never
// against the config directory: data_path itself is taken relative to the
// working directory.
package config
