package config

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"
)

// Error is a configuration value or line that cannot be used. Loading stops
// at the first one.
type Error struct {
	File   string // path of the file, or its base name for built-in defaults
	Line   int    // 1-based; 0 if the problem is not on one line
	Key    string // lower-cased directive name; "" for a line-level problem
	Reason string
	Err    error // ErrSyntax, ErrRange, an *fs.PathError, ...; may be nil
}

// Error formats e as "file:line: key: reason", leaving out the line and
// key when they are not known.
func (e *Error) Error() string {
	s := e.File
	if e.Line > 0 {
		s += ":" + strconv.Itoa(e.Line)
	}
	if e.Key != "" {
		s += ": " + e.Key
	}
	return s + ": " + e.Reason
}

func (e *Error) Unwrap() error { return e.Err }

// Warning is a problem that does not stop loading: an unknown key, a value
// clamped to a directive's minimum or maximum, a boolean upstream would read
// as true but that is not one of the usual words, a file we do not read.
type Warning struct {
	File   string
	Line   int // 0 if not on one line
	Key    string
	Reason string
}

// String formats w like Error.Error: "file:line: key: reason".
func (w Warning) String() string {
	return (&Error{File: w.File, Line: w.Line, Key: w.Key, Reason: w.Reason}).Error()
}

// Type says how a directive's value is read (upstream's cfg_directive
// flags).
type Type int

const (
	// String is taken verbatim.
	String Type = iota
	// Bool is read by ParseBool (upstream CFG_BOOL). A value ParseBool
	// rejects is true, as in upstream, with a Warning.
	Bool
	// Int is a signed quantity: ParseSize's syntax with an optional minus
	// sign. Upstream has no signed type; it keeps such keys as strings, or
	// uses CFG_SIZE and lets "-1" wrap around.
	Int
	// Size is a non-negative quantity read by ParseSize (upstream CFG_SIZE).
	Size
	// Duration is a time span read by ParseDuration, to the nanosecond
	// (upstream CFG_TIME_NS).
	Duration
	// Seconds is a time span in whole seconds: each quantum is truncated to
	// seconds, so "1.5s" is 1s and "500ms" is 0 (upstream CFG_TIME,
	// HX_strtoull_sec).
	Seconds
)

func (t Type) String() string {
	switch t {
	case String:
		return "string"
	case Bool:
		return "bool"
	case Int:
		return "int"
	case Size:
		return "size"
	case Duration:
		return "duration"
	case Seconds:
		return "seconds"
	}
	return "Type(" + strconv.Itoa(int(t)) + ")"
}

// Directive describes one key of a configuration file.
type Directive struct {
	Key     string // lower-case
	Default string // in the same syntax as the file; parsed like a value
	Type    Type
	// Min and Max, if not empty, clamp Int, Size, Duration and Seconds
	// values: a value below Min becomes Min (and one above Max becomes
	// Max), with a Warning, as upstream clamps silently rather than fail.
	Min, Max string
	// AliasOf makes Key an old name for another key of the same table:
	// a value given under Key sets that key (the later line wins when
	// both appear). Default, Type, Min and Max are unused.
	AliasOf string
}

// Table lists the directives of one configuration file.
type Table struct {
	File       string // base name, e.g. "gromox.cfg"
	Directives []Directive
}

// lookup returns the directive for key, following aliases.
func (t *Table) lookup(key string) (Directive, bool) {
	key = lowerASCII(key)
	for range 8 { // alias chains are short; bound them anyway
		var found *Directive
		for i := range t.Directives {
			if t.Directives[i].Key == key {
				found = &t.Directives[i]
				break
			}
		}
		if found == nil {
			return Directive{}, false
		}
		if found.AliasOf == "" {
			return *found, true
		}
		key = found.AliasOf
	}
	return Directive{}, false
}

// value is one directive's value after typing.
type value struct {
	raw  string
	line int // 0: the default
	key  string
	b    bool
	i    int64
	u    uint64
	d    time.Duration
}

// Values are the typed values of one file: every directive of its table,
// set from the file or defaulted. A Values is not changed after loading and
// may be shared.
type Values struct {
	Path  string // the file read, or "" if none was found (all defaults)
	table *Table
	vals  map[string]value
	file  *File
}

// mustGet returns the value of a directive of v's table. Asking for a key
// that is not in the table, or with the wrong type, is a programming error
// and panics.
func (v *Values) mustGet(key string, types ...Type) value {
	d, ok := v.table.lookup(key)
	if !ok {
		panic(fmt.Sprintf("config: %s has no directive %q", v.table.File, key))
	}
	typeOK := len(types) == 0
	for _, t := range types {
		typeOK = typeOK || d.Type == t
	}
	if !typeOK {
		panic(fmt.Sprintf("config: %s: %s is a %v directive", v.table.File, d.Key, d.Type))
	}
	return v.vals[d.Key]
}

// String returns the value of key as written (or its default), for a
// directive of any type.
func (v *Values) String(key string) string { return v.mustGet(key).raw }

// Bool returns the value of a Bool directive.
func (v *Values) Bool(key string) bool { return v.mustGet(key, Bool).b }

// Int returns the value of an Int directive.
func (v *Values) Int(key string) int64 { return v.mustGet(key, Int).i }

// Size returns the value of a Size directive.
func (v *Values) Size(key string) uint64 { return v.mustGet(key, Size).u }

// Duration returns the value of a Duration or Seconds directive.
func (v *Values) Duration(key string) time.Duration {
	return v.mustGet(key, Duration, Seconds).d
}

// Line returns the line key was set on (following aliases), or 0 if it has
// its default.
func (v *Values) Line(key string) int { return v.mustGet(key).line }

// IsSet reports whether the file sets key (following aliases).
func (v *Values) IsSet(key string) bool { return v.Line(key) > 0 }

// Lookup returns the raw value of any key of the file, including keys not in
// the table (upstream keeps those too), and its line. It does not follow
// aliases and knows nothing of defaults.
func (v *Values) Lookup(key string) (val string, line int, ok bool) {
	e, ok := v.file.Get(key)
	return e.Value, e.Line, ok
}

// Errorf returns an *Error about key's value, naming the file and line it
// came from; for a defaulted key, the file and line 0. Use it for checks a
// type cannot express (an enumeration, a port range).
func (v *Values) Errorf(key, format string, args ...any) *Error {
	val := v.mustGet(key)
	file := v.Path
	if file == "" {
		file = v.table.File
	}
	return &Error{File: file, Line: val.line, Key: val.key, Reason: fmt.Sprintf(format, args...)}
}

// Keys returns the directive names of v's table (without aliases), sorted.
func (v *Values) Keys() []string {
	var ks []string
	for _, d := range v.table.Directives {
		if d.AliasOf == "" {
			ks = append(ks, d.Key)
		}
	}
	sort.Strings(ks)
	return ks
}

// typed parses raw as d's type and applies its clamps. clamped describes a
// clamp that happened, for a Warning; laxBool is set for a Bool that only
// upstream's lax rule makes true.
func typed(d Directive, raw string) (val value, clamped string, laxBool bool, err error) {
	val.raw = raw
	val.key = d.Key
	switch d.Type {
	case String:
	case Bool:
		val.b, err = ParseBool(raw)
		if err != nil {
			val.b, laxBool, err = true, true, nil
		}
	case Int:
		if val.i, err = parseInt(raw); err != nil {
			return val, "", false, err
		}
		if d.Min != "" {
			if lo, _ := parseInt(d.Min); val.i < lo {
				val.i, clamped = lo, fmt.Sprintf("%s is below the minimum %s; using %s", raw, d.Min, d.Min)
			}
		}
		if d.Max != "" {
			if hi, _ := parseInt(d.Max); val.i > hi {
				val.i, clamped = hi, fmt.Sprintf("%s is above the maximum %s; using %s", raw, d.Max, d.Max)
			}
		}
	case Size:
		if val.u, err = ParseSize(raw); err != nil {
			return val, "", false, err
		}
		if d.Min != "" {
			if lo, _ := ParseSize(d.Min); val.u < lo {
				val.u, clamped = lo, fmt.Sprintf("%s is below the minimum %s; using %s", raw, d.Min, d.Min)
			}
		}
		if d.Max != "" {
			if hi, _ := ParseSize(d.Max); val.u > hi {
				val.u, clamped = hi, fmt.Sprintf("%s is above the maximum %s; using %s", raw, d.Max, d.Max)
			}
		}
	case Duration, Seconds:
		parse := ParseDuration
		if d.Type == Seconds {
			parse = parseSeconds
		}
		if val.d, err = parse(raw); err != nil {
			return val, "", false, err
		}
		if val.d < 0 {
			return val, "", false, fmt.Errorf("time span %q: %w: negative", raw, ErrRange)
		}
		if d.Min != "" {
			if lo, _ := parse(d.Min); val.d < lo {
				val.d, clamped = lo, fmt.Sprintf("%s is below the minimum %s; using %s", raw, d.Min, d.Min)
			}
		}
		if d.Max != "" {
			if hi, _ := parse(d.Max); val.d > hi {
				val.d, clamped = hi, fmt.Sprintf("%s is above the maximum %s; using %s", raw, d.Max, d.Max)
			}
		}
	default:
		return val, "", false, fmt.Errorf("directive %s has unknown type %v", d.Key, d.Type)
	}
	return val, clamped, laxBool, nil
}

// Defaults returns t's values with nothing set. A default that does not
// parse is a programming error and panics (TestTables checks ours).
func (t *Table) Defaults() *Values {
	v, errs := t.apply(nil, nil, false)
	if len(errs) > 0 {
		panic("config: bad default in " + t.File + ": " + errs[0].Error())
	}
	return v
}

// Apply types the entries of f (which may be nil: all defaults) with t.
// Keys not in t are reported through warn, once per key, at their first
// line; warn may be nil. The first value that does not parse stops it with
// an *Error.
func (t *Table) Apply(f *File, warn func(Warning)) (*Values, error) {
	v, errs := t.apply(f, warn, false)
	if len(errs) > 0 {
		return nil, errs[0]
	}
	return v, nil
}

// apply is Apply; with all set it goes on after an error and returns
// every one.
func (t *Table) apply(f *File, warn func(Warning), all bool) (*Values, []*Error) {
	path := ""
	if f != nil {
		path = f.Name
	} else {
		f = &File{Name: t.File, last: map[string]int{}}
	}
	if warn == nil {
		warn = func(Warning) {}
	}
	v := &Values{Path: path, table: t, vals: make(map[string]value), file: f}
	var errs []*Error
	for _, d := range t.Directives {
		if d.AliasOf != "" {
			continue
		}
		val, _, _, err := typed(d, d.Default)
		if err != nil {
			errs = append(errs, &Error{File: t.File, Key: d.Key, Reason: "bad default: " + err.Error(), Err: err})
			if !all {
				return nil, errs
			}
		}
		v.vals[d.Key] = val
	}
	for _, w := range f.Skipped {
		warn(w)
	}
	warned := make(map[string]bool)
	for _, e := range f.Entries {
		d, ok := t.lookup(e.Key)
		if !ok {
			if !warned[e.Key] {
				warned[e.Key] = true
				warn(Warning{File: f.Name, Line: e.Line, Key: e.Key, Reason: "unknown key (ignored)"})
			}
			continue
		}
		val, clamped, lax, err := typed(d, e.Value)
		if err != nil {
			errs = append(errs, &Error{File: f.Name, Line: e.Line, Key: e.Key, Reason: err.Error(), Err: err})
			if !all {
				return nil, errs
			}
			continue
		}
		if clamped != "" {
			warn(Warning{File: f.Name, Line: e.Line, Key: e.Key, Reason: clamped})
		}
		if lax {
			warn(Warning{File: f.Name, Line: e.Line, Key: e.Key,
				Reason: fmt.Sprintf("%q is not yes/no, on/off, true/false or a number; reading it as true, as upstream does", e.Value)})
		}
		val.line = e.Line
		val.key = e.Key // the name as written, alias or not, for errors
		v.vals[d.Key] = val
	}
	return v, errs
}

// Load finds t's file on path and applies t to it. A file found nowhere is
// not an error: every directive has its default, as in upstream.
func (t *Table) Load(path SearchPath, warn func(Warning)) (*Values, error) {
	v, errs := t.load(path, warn, false)
	if len(errs) > 0 {
		return nil, errs[0]
	}
	return v, nil
}

func (t *Table) load(path SearchPath, warn func(Warning), all bool) (*Values, []*Error) {
	p, err := path.Find(t.File)
	if errors.Is(err, errNotFound) {
		return t.apply(nil, warn, all)
	}
	if err != nil {
		return nil, []*Error{{File: t.File, Reason: err.Error(), Err: err}}
	}
	f, err := ReadCfg(p)
	if err != nil {
		var ce *Error
		if errors.As(err, &ce) {
			return nil, []*Error{ce}
		}
		return nil, []*Error{{File: p, Reason: err.Error(), Err: err}}
	}
	return t.apply(f, warn, all)
}
