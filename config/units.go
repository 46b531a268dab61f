package config

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
)

// ErrSyntax reports a value that does not parse as its type.
var ErrSyntax = errors.New("invalid syntax")

// ErrRange reports a value that parses but does not fit its type
// (overflow, or a negative number where only non-negative ones make sense).
var ErrRange = errors.New("value out of range")

// isSpace is C isspace(3) in the "C" locale, which is what upstream's parsers
// (libHX, strtoul) use: space, \t, \n, \v, \f, \r. Unicode spaces are not
// whitespace in config files.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// cSpace is isSpace as a cutset for strings.Trim.
const cSpace = " \t\n\v\f\r"

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func skipSpace(s string, i int) int {
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	return i
}

// decimal is an exactly represented decimal number: (-1)^neg × mant × 10^exp.
type decimal struct {
	neg  bool
	mant *big.Int // ≥ 0
	exp  int
}

// maxExpMagnitude bounds the exponent written after "e". A larger one
// overflows every type we parse into (or, negative, truncates any mantissa
// we can read to zero), so saturating there loses nothing.
const maxExpMagnitude = 1 << 30

// scanNumber reads a number at s[i:] the way upstream's parsers do: strtoull
// syntax (optional sign, decimal digits), and, if a period follows the
// integral digits, strtod syntax (fraction and an optional exponent) — see
// doc/gromox.7 "Quantity syntax" and "Time span syntax". An exponent is only
// recognised after a period, as in upstream, where "1e3" stops at the "e".
// Hexadecimal is not accepted (upstream passes base 10). No whitespace is
// allowed between the sign and the digits. It returns the index after the
// number and ok=false if there is no number at s[i:].
//
// Unlike upstream, fractions are exact: "0.3s" is 300000000ns, not the
// nearest double times 1e9 truncated.
func scanNumber(s string, i int) (d decimal, end int, ok bool) {
	start := i
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		d.neg = s[i] == '-'
		i++
	}
	var digits strings.Builder
	intStart := i
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	digits.WriteString(s[intStart:i])
	nDigits := i - intStart
	if i < len(s) && s[i] == '.' {
		i++
		fracStart := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		nDigits += i - fracStart
		frac := strings.TrimRight(s[fracStart:i], "0") // same value, smaller numbers
		digits.WriteString(frac)
		d.exp = -len(frac)
		if nDigits > 0 && i < len(s) && (s[i] == 'e' || s[i] == 'E') {
			// strtod's exponent: only taken if digits follow.
			j := i + 1
			eneg := false
			if j < len(s) && (s[j] == '+' || s[j] == '-') {
				eneg = s[j] == '-'
				j++
			}
			if j < len(s) && isDigit(s[j]) {
				e := 0
				for j < len(s) && isDigit(s[j]) {
					if e < maxExpMagnitude {
						e = e*10 + int(s[j]-'0')
					}
					j++
				}
				if eneg {
					e = -e
				}
				d.exp += e
				i = j
			}
		}
	}
	if nDigits == 0 {
		return decimal{}, start, false
	}
	d.mant = new(big.Int)
	if digits.Len() > 0 {
		d.mant.SetString(digits.String(), 10)
	}
	return d, i, true
}

// isZero reports whether d is zero.
func (d decimal) isZero() bool { return d.mant.Sign() == 0 }

// scale returns d × mult truncated toward zero, as a signed big integer.
func (d decimal) scale(mult *big.Int) *big.Int {
	v := new(big.Int).Mul(d.mant, mult)
	if v.Sign() == 0 {
		return v
	}
	switch {
	case d.exp > 0:
		if d.exp > 80 { // ≥ 10^80: overflows anything; keep it cheap
			v.Lsh(v, 300)
		} else {
			v.Mul(v, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(d.exp)), nil))
		}
	case d.exp < 0:
		if -d.exp > v.BitLen()/3+1 { // 10^-exp > 2^BitLen > v: truncates to 0
			v.SetInt64(0)
		} else {
			v.Quo(v, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(-d.exp)), nil))
		}
	}
	if d.neg {
		v.Neg(v)
	}
	return v
}

// suffixPower maps a quantity suffix to its power of 1024. Upstream
// (libHX HX_strtoull_unit) upper-cases the letter first, so "4k", "4K",
// "1m" and "1M" all work.
func suffixPower(c byte) int {
	switch c {
	case 'k', 'K':
		return 1
	case 'm', 'M':
		return 2
	case 'g', 'G':
		return 3
	case 't', 'T':
		return 4
	case 'p', 'P':
		return 5
	case 'e', 'E':
		return 6
	case 'z', 'Z':
		return 7
	case 'y', 'Y':
		return 8
	case 'r', 'R':
		return 9
	case 'q', 'Q':
		return 10
	}
	return 0
}

// parseQuantity parses doc/gromox.7 "Quantity syntax": a number and an
// optional one-letter suffix selecting a power of 1024, whitespace allowed
// around both. The empty string is 0, as in upstream. The result is signed
// and exact (truncated toward zero).
func parseQuantity(s string) (*big.Int, error) {
	i := skipSpace(s, 0)
	if i == len(s) {
		return new(big.Int), nil
	}
	d, end, ok := scanNumber(s, i)
	if !ok {
		return nil, fmt.Errorf("quantity %q: %w: no number", s, ErrSyntax)
	}
	i = skipSpace(s, end)
	mult := big.NewInt(1)
	if i < len(s) {
		if p := suffixPower(s[i]); p > 0 {
			mult.Lsh(mult, uint(10*p))
			i = skipSpace(s, i+1)
		}
	}
	if i < len(s) {
		return nil, fmt.Errorf("quantity %q: %w near %q (suffixes: k M G T P E Z Y R Q)", s, ErrSyntax, s[i:])
	}
	return d.scale(mult), nil
}

// ParseSize parses a non-negative quantity (doc/gromox.7 "Quantity syntax"):
// a number as strtoull(3) reads it, with a fraction if a period follows
// ("1.5M"), and an optional suffix k M G T P E Z Y R Q (either case)
// multiplying by a power of 1024. "4k" is 4096, "1.5M" is 1572864.
// Fractions are truncated toward zero. The empty string is 0.
// Results that do not fit uint64, and negative values, are errors wrapping
// ErrRange (upstream wraps negative values modulo 2^64).
func ParseSize(s string) (uint64, error) {
	v, err := parseQuantity(s)
	if err != nil {
		return 0, err
	}
	if v.Sign() < 0 {
		return 0, fmt.Errorf("quantity %q: %w: negative", s, ErrRange)
	}
	if !v.IsUint64() {
		return 0, fmt.Errorf("quantity %q: %w: larger than 2^64-1", s, ErrRange)
	}
	return v.Uint64(), nil
}

// parseInt parses a signed quantity (ParseSize's syntax with a sign) into
// an int64.
func parseInt(s string) (int64, error) {
	v, err := parseQuantity(s)
	if err != nil {
		return 0, err
	}
	if !v.IsInt64() {
		return 0, fmt.Errorf("number %q: %w: does not fit 64 bits", s, ErrRange)
	}
	return v.Int64(), nil
}

// spanUnit is a unit name of doc/gromox.7 "Time span syntax".
type spanUnit struct {
	name string
	ns   int64
	// exactCase: matched case-sensitively. Upstream (libHX) compares unit
	// names case-insensitively; only our "m" extension is exact, so that "M"
	// is not mistaken for a month.
	exactCase bool
}

const (
	month = 2629800 * time.Second  // libHX: 1/12 of a 365.25-day year (30.4375 days)
	year  = 31557600 * time.Second // libHX: 365.25 days
)

// textUnits are the unit names of doc/gromox.7, longest spelling first
// within each unit, plus two extensions: "m" (minutes; the doc's own example
// "1d1h1m1s" uses it, though upstream's libHX stops parsing at "1m") and
// the Greek small letter mu (U+03BC) beside the micro sign (U+00B5) that
// upstream spells.
var textUnits = []spanUnit{
	{name: "seconds", ns: int64(time.Second)},
	{name: "second", ns: int64(time.Second)},
	{name: "sec", ns: int64(time.Second)},
	{name: "s", ns: int64(time.Second)},
	{name: "minutes", ns: int64(time.Minute)},
	{name: "minute", ns: int64(time.Minute)},
	{name: "min", ns: int64(time.Minute)},
	{name: "m", ns: int64(time.Minute), exactCase: true},
	{name: "hours", ns: int64(time.Hour)},
	{name: "hour", ns: int64(time.Hour)},
	{name: "h", ns: int64(time.Hour)},
	{name: "days", ns: int64(24 * time.Hour)},
	{name: "day", ns: int64(24 * time.Hour)},
	{name: "d", ns: int64(24 * time.Hour)},
	{name: "weeks", ns: int64(7 * 24 * time.Hour)},
	{name: "week", ns: int64(7 * 24 * time.Hour)},
	{name: "months", ns: int64(month)},
	{name: "month", ns: int64(month)},
	{name: "years", ns: int64(year)},
	{name: "year", ns: int64(year)},
	{name: "y", ns: int64(year)},
	{name: "msec", ns: int64(time.Millisecond)},
	{name: "ms", ns: int64(time.Millisecond)},
	{name: "\u00b5sec", ns: int64(time.Microsecond)},
	{name: "\u00b5s", ns: int64(time.Microsecond)},
	{name: "\u03bcsec", ns: int64(time.Microsecond)},
	{name: "\u03bcs", ns: int64(time.Microsecond)},
	{name: "nsec", ns: int64(time.Nanosecond)},
	{name: "ns", ns: int64(time.Nanosecond)},
}

// ISO 8601 period designators, as libHX (≥ 4.28, which upstream requires)
// accepts them: case-sensitive, date part D M Y, time part (after T) S M H.
var (
	isoDateUnits = []spanUnit{
		{name: "D", ns: int64(24 * time.Hour), exactCase: true},
		{name: "M", ns: int64(month), exactCase: true},
		{name: "Y", ns: int64(year), exactCase: true},
	}
	isoTimeUnits = []spanUnit{
		{name: "S", ns: int64(time.Second), exactCase: true},
		{name: "M", ns: int64(time.Minute), exactCase: true},
		{name: "H", ns: int64(time.Hour), exactCase: true},
	}
)

// hasPrefixFoldASCII is strncasecmp(3) in the "C" locale: ASCII letters
// fold, other bytes compare exactly.
func hasPrefixFoldASCII(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		a, b := s[i], prefix[i]
		if 'A' <= a && a <= 'Z' {
			a += 'a' - 'A'
		}
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		if a != b {
			return false
		}
	}
	return true
}

// matchUnit finds the unit at s[i:]. In text mode a unit must end at a word
// boundary (not be followed by an ASCII letter), as in libHX, so "1 secs"
// is an error rather than "1 sec" and garbage.
func matchUnit(s string, i int, units []spanUnit, boundary bool) (spanUnit, int, bool) {
	rest := s[i:]
	for _, u := range units {
		if u.exactCase {
			if !strings.HasPrefix(rest, u.name) {
				continue
			}
		} else if !hasPrefixFoldASCII(rest, u.name) {
			continue
		}
		if boundary && len(rest) > len(u.name) && isAlpha(rest[len(u.name)]) {
			continue
		}
		return u, i + len(u.name), true
	}
	return spanUnit{}, i, false
}

// looksLikeISO8601 is libHX's test: "P" then a digit, or "PT" then a digit.
func looksLikeISO8601(s string) bool {
	return len(s) >= 2 && s[0] == 'P' &&
		(isDigit(s[1]) || len(s) >= 3 && s[1] == 'T' && isDigit(s[2]))
}

// parseSpan parses a time span and returns it in units of res. Each
// quantum is truncated to a whole multiple of res on its own, as libHX does
// (with res = 1s, "1.5s" is 1s and "500ms" is 0; "1.5min" is 90s). Every
// quantum and every partial sum must fit a time.Duration.
func parseSpan(s string, res time.Duration) (time.Duration, error) {
	i := skipSpace(s, 0)
	units, boundary, iso, isoTime := textUnits, true, false, false
	if looksLikeISO8601(s[i:]) {
		units, boundary, iso = isoDateUnits, false, true
		i++
	}
	resBig := big.NewInt(int64(res))
	var total time.Duration
	for {
		i = skipSpace(s, i)
		if i == len(s) {
			return total, nil
		}
		if iso && (s[i] == 'T' || s[i] == 't') {
			if isoTime {
				return 0, fmt.Errorf("time span %q: %w: second T", s, ErrSyntax)
			}
			units, isoTime = isoTimeUnits, true
			i++
			continue
		}
		d, end, ok := scanNumber(s, i)
		if !ok {
			return 0, fmt.Errorf("time span %q: %w: expected a number at %q", s, ErrSyntax, s[i:])
		}
		j := skipSpace(s, end)
		u, next, ok := matchUnit(s, j, units, boundary)
		if !ok {
			if d.isZero() {
				// libHX: "0 is the same no matter what unit, take it".
				i = j
				continue
			}
			num := s[i:end]
			if j == len(s) {
				return 0, fmt.Errorf("time span %q: %w: %q has no unit (only 0 may go without one; write e.g. %ss)",
					s, ErrSyntax, num, num)
			}
			return 0, fmt.Errorf("time span %q: %w: unknown unit at %q", s, ErrSyntax, s[j:])
		}
		q := d.scale(new(big.Int).Quo(big.NewInt(u.ns), resBig))
		q.Mul(q, resBig)
		if !q.IsInt64() {
			return 0, fmt.Errorf("time span %q: %w: %q is beyond ±%v", s, ErrRange, s[i:next], time.Duration(math.MaxInt64))
		}
		qd := time.Duration(q.Int64())
		if qd > 0 && total > math.MaxInt64-qd || qd < 0 && total < math.MinInt64-qd {
			return 0, fmt.Errorf("time span %q: %w: sum is beyond ±%v", s, ErrRange, time.Duration(math.MaxInt64))
		}
		total += qd
		i = next
	}
}

// ParseDuration parses a time span (doc/gromox.7 "Time span syntax"): one
// or more quanta, each a number and a unit, added together. Units are
// ns nsec µs µsec ms msec s sec second seconds min minute minutes h hour
// hours d day days week weeks month months y year years, compared without
// regard to ASCII case and ending at a word boundary; a day is 86400 s, a
// year 365.25 days and a month 1/12 year (libHX's definitions). Whitespace
// may appear between numbers and units and between quanta. Numbers are
// strtol(3)-style decimal integers with an optional sign, or fractions
// ("3.5 hours", ".5h", "1.5e3s") computed exactly and truncated to the
// nanosecond. A 0 needs no unit; any other number does ("90" is an error,
// as upstream's libHX ≥ 4.18 does not accept it either).
//
// Beyond the documented syntax, as upstream's libHX accepts: ISO 8601
// periods ("P1DT12H", "PT15M30S"). Our own extensions: "m" for minutes
// (the doc's example "1d1h1m1s"), U+03BC for µ, and negative quanta
// ("1h -15min"), which the doc allows and libHX rejects.
// The empty string is 0. Results beyond the range of time.Duration (about
// 292 years) are errors wrapping ErrRange.
func ParseDuration(s string) (time.Duration, error) {
	return parseSpan(s, time.Nanosecond)
}

// parseSeconds is ParseDuration with each quantum truncated to whole
// seconds, as upstream's CFG_TIME directives (HX_strtoull_sec) read them.
func parseSeconds(s string) (time.Duration, error) {
	return parseSpan(s, time.Second)
}

// FormatDuration writes d in upstream's time span syntax, largest units
// first: "1d2h3min4s500ms". Zero is "0". Days are the largest unit used, so
// the output is exact and ParseDuration(FormatDuration(d)) == d. Negative
// spans repeat the sign on every quantum ("-1h-30min"), which only our
// parser accepts.
func FormatDuration(d time.Duration) string {
	if d == 0 {
		return "0"
	}
	sign := ""
	mag := uint64(d)
	if d < 0 {
		sign = "-"
		mag = -mag // two's complement: also right for math.MinInt64
	}
	var b strings.Builder
	for _, u := range []struct {
		name string
		ns   uint64
	}{
		{"d", uint64(24 * time.Hour)},
		{"h", uint64(time.Hour)},
		{"min", uint64(time.Minute)},
		{"s", uint64(time.Second)},
		{"ms", uint64(time.Millisecond)},
		{"\u00b5s", uint64(time.Microsecond)},
		{"ns", 1},
	} {
		if q := mag / u.ns; q > 0 {
			b.WriteString(sign)
			b.WriteString(strconv.FormatUint(q, 10))
			b.WriteString(u.name)
			mag -= q * u.ns
		}
	}
	return b.String()
}

// ParseBool parses a boolean as upstream's parse_bool does for the words it
// knows: false for "", "no", "off", "false" (any ASCII case) and any
// integer that is 0 (strtoul(3) with base 0: "0", "00", "0x0", "-0"); true
// for "yes", "on", "true" and any other integer ("1", "2", "0x10").
// Surrounding whitespace is ignored.
//
// Upstream reads every other string as true; ParseBool reports it as an
// error wrapping ErrSyntax instead. The config loader follows upstream for
// such values (true) and emits a Warning, so typos are visible but a
// configuration upstream accepts still loads.
func ParseBool(s string) (bool, error) {
	t := strings.Trim(s, cSpace)
	switch strings.ToLower(t) {
	case "", "no", "off", "false":
		return false, nil
	case "yes", "on", "true":
		return true, nil
	}
	if zero, ok := cInteger(t); ok {
		return !zero, nil
	}
	return false, fmt.Errorf("boolean %q: %w (use yes/no, on/off, true/false, 1/0)", s, ErrSyntax)
}

// cInteger reports whether s is entirely an integer as strtoul(3) with base
// 0 reads one (optional sign; 0x hex, leading-0 octal, or decimal; no
// overflow check needed, only zero-ness), and whether its value is zero.
func cInteger(s string) (zero, ok bool) {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := s[i:]
	base := 10
	switch {
	case len(digits) > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X'):
		base, digits = 16, digits[2:]
	case len(digits) > 1 && digits[0] == '0':
		base, digits = 8, digits[1:]
	}
	if digits == "" {
		return false, false
	}
	zero = true
	for i := 0; i < len(digits); i++ {
		c := digits[i]
		var v int
		switch {
		case isDigit(c):
			v = int(c - '0')
		case 'a' <= c && c <= 'f':
			v = int(c-'a') + 10
		case 'A' <= c && c <= 'F':
			v = int(c-'A') + 10
		default:
			return false, false
		}
		if v >= base {
			return false, false
		}
		if v != 0 {
			zero = false
		}
	}
	return zero, true
}
