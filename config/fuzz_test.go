package config

import (
	"bytes"
	"errors"
	"math/big"
	"strconv"
	"strings"
	"testing"
	"time"
)

func FuzzParseCfg(f *testing.F) {
	f.Add(realGromoxCfg)
	f.Add(realMySQLCfg)
	f.Add("\uFEFFa = b\r\n# c\n  d=e=f  \n\tK\t=\tV\t")
	f.Add("key\n")
	f.Add(" = v\n")
	f.Add("a b = c\n")
	f.Add("k=" + strings.Repeat("x", MaxLineLength-2) + "\n")
	f.Add("k=" + strings.Repeat("x", MaxLineLength-1) + "\n")
	f.Add("a=\x00\n")
	f.Add("a=1\rb=2\n")
	f.Fuzz(func(t *testing.T, in string) {
		cfg, err := ParseCfg("fuzz.cfg", strings.NewReader(in))
		if err != nil {
			var ce *Error
			if !errors.As(err, &ce) || ce.File != "fuzz.cfg" || ce.Line < 1 {
				t.Fatalf("error %v does not name the file and a line", err)
			}
			return
		}
		for _, e := range cfg.Entries {
			if e.Key == "" || e.Key != lowerASCII(e.Key) || strings.ContainsAny(e.Key, cSpace+"=") ||
				e.Value != strings.Trim(e.Value, cSpace) || e.Line < 1 {
				t.Fatalf("bad entry %+v", e)
			}
		}
		var buf bytes.Buffer
		if _, err := cfg.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		again, err := ParseCfg("again", &buf)
		if err != nil {
			t.Fatalf("re-parse of %q: %v", buf.String(), err)
		}
		a, b := cfg.Map(), again.Map()
		if len(a) != len(b) {
			t.Fatalf("maps differ: %q vs %q", a, b)
		}
		for k, v := range a {
			if b[k] != v {
				t.Fatalf("key %q: %q vs %q", k, v, b[k])
			}
		}
		// Applying a table to anything that parses never panics, and
		// errors name file, line and key.
		if _, err := gromoxCfg.Apply(cfg, func(Warning) {}); err != nil {
			var ce *Error
			if !errors.As(err, &ce) || ce.Line < 1 || ce.Key == "" {
				t.Fatalf("Apply error %v lacks line or key", err)
			}
		}
	})
}

func FuzzParseIni(f *testing.F) {
	f.Add("; c\norganization = x\n[Database]\nhost = 'h'\npassword = \"p w\"\n[ exchange ]\nhostname=m\n")
	f.Add("[a]]\n")
	f.Add("[]\nk=v\n")
	f.Add("k = \" v \"\n")
	f.Add("k = \"\"\"\n")
	f.Fuzz(func(t *testing.T, in string) {
		ini, err := ParseIni("fuzz.ini", strings.NewReader(in))
		if err != nil {
			var ce *Error
			if !errors.As(err, &ce) || ce.File != "fuzz.ini" || ce.Line < 1 {
				t.Fatalf("error %v does not name the file and a line", err)
			}
			return
		}
		var buf bytes.Buffer
		if _, err := ini.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		again, err := ParseIni("again", &buf)
		if err != nil {
			t.Fatalf("re-parse of %q: %v", buf.String(), err)
		}
		if !sameIni(ini, again) {
			t.Fatalf("round trip differs:\n%+v\n%+v\n%q", ini.Entries, again.Entries, buf.String())
		}
		for _, e := range ini.Entries {
			if g, ok := ini.Get(e.Section, e.Key); !ok || g.Line < e.Line {
				t.Fatalf("Get(%q, %q) = %+v, %v", e.Section, e.Key, g, ok)
			}
		}
	})
}

func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{
		"1d1h1m1s", "3.5 hours", "1 hour 1 hour", "1 hour 60 minutes", "29µs", "P1DT12H",
		"PT15M30S", "-1h 30min", "1.5e3s", "0 5s", "90", "9223372036854775807ns", "1.0e999999y",
	} {
		f.Add(s, int64(0))
	}
	f.Add("", int64(-9223372036854775808))
	f.Add("", int64(9223372036854775807))
	f.Add("", int64(90061000000001))
	f.Fuzz(func(t *testing.T, in string, n int64) {
		// Any Go duration, written in upstream syntax, reads back.
		d := time.Duration(n)
		s := FormatDuration(d)
		if got, err := ParseDuration(s); err != nil || got != d {
			t.Fatalf("ParseDuration(FormatDuration(%d) = %q) = %d, %v", n, s, got, err)
		}

		got, err := ParseDuration(in)
		if err != nil {
			if !errors.Is(err, ErrSyntax) && !errors.Is(err, ErrRange) {
				t.Fatalf("ParseDuration(%q): error %v is neither ErrSyntax nor ErrRange", in, err)
			}
			return
		}
		// Whatever parses formats and parses back to the same value.
		if back, err := ParseDuration(FormatDuration(got)); err != nil || back != got {
			t.Fatalf("%q = %d, but FormatDuration gives %q = %d, %v", in, got, FormatDuration(got), back, err)
		}
		// Whole-second truncation per quantum never adds time.
		sec, err := parseSeconds(in)
		if err != nil {
			t.Fatalf("parseSeconds(%q): %v, ParseDuration gave %v", in, err, got)
		}
		if sec%time.Second != 0 || got >= 0 && sec > got && !strings.Contains(in, "-") {
			t.Fatalf("parseSeconds(%q) = %v, ParseDuration %v", in, sec, got)
		}
		// Whitespace around the input does not matter.
		if again, err := ParseDuration(" \t" + in + "\n "); err != nil || again != got {
			t.Fatalf("padded %q: %v, %v", in, again, err)
		}
	})
}

func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"4k", "1.5M", "64M", "16E", "0.000000000001Q", "-1", "1e3", "1.5e3k", " 7 G ", ""} {
		f.Add(s, uint64(0))
	}
	f.Add("", uint64(18446744073709551615))
	f.Fuzz(func(t *testing.T, in string, n uint64) {
		// Any uint64 reads back, plain and with the largest suffix that
		// divides it.
		plain := strconv.FormatUint(n, 10)
		if got, err := ParseSize(plain); err != nil || got != n {
			t.Fatalf("ParseSize(%q) = %d, %v", plain, got, err)
		}
		if n != 0 {
			q, p := n, 0
			for q%1024 == 0 && p < 6 {
				q, p = q/1024, p+1
			}
			if p > 0 {
				s := strconv.FormatUint(q, 10) + string("kMGTPE"[p-1])
				if got, err := ParseSize(s); err != nil || got != n {
					t.Fatalf("ParseSize(%q) = %d, %v; want %d", s, got, err, n)
				}
			}
		}

		got, err := ParseSize(in)
		if err != nil {
			if !errors.Is(err, ErrSyntax) && !errors.Is(err, ErrRange) {
				t.Fatalf("ParseSize(%q): error %v is neither ErrSyntax nor ErrRange", in, err)
			}
			return
		}
		// The signed reading agrees wherever both fit.
		if i, err := parseInt(in); got <= 1<<63-1 && (err != nil || uint64(i) != got) {
			t.Fatalf("ParseSize(%q) = %d but parseInt = %d, %v", in, got, i, err)
		}
		// The value is the exact product, truncated: check against a
		// second computation with big.Rat.
		if want, ok := ratSize(in); ok && want.Cmp(new(big.Int).SetUint64(got)) != 0 {
			t.Fatalf("ParseSize(%q) = %d, exact value %v", in, got, want)
		}
	})
}

// ratSize computes a quantity with big.Rat, independently of scanNumber,
// for the plain forms "digits[.digits][suffix]" only.
func ratSize(s string) (*big.Int, bool) {
	s = strings.Trim(s, cSpace)
	mult := big.NewInt(1)
	if s != "" {
		if p := suffixPower(s[len(s)-1]); p > 0 {
			mult.Lsh(mult, uint(10*p))
			s = strings.TrimRight(s[:len(s)-1], cSpace)
		}
	}
	if s == "" || strings.Trim(s, "0123456789.") != "" || strings.Count(s, ".") > 1 || s == "." {
		return nil, false
	}
	if strings.HasSuffix(s, ".") {
		s += "0"
	}
	if strings.HasPrefix(s, ".") {
		s = "0" + s
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return nil, false
	}
	r.Mul(r, new(big.Rat).SetInt(mult))
	return new(big.Int).Quo(r.Num(), r.Denom()), true
}
