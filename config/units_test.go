package config

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

const (
	day  = 24 * time.Hour
	week = 7 * day
)

func TestParseDuration(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
	}{
		// doc/gromox.7 "Time span syntax" examples.
		{"1d1h1m1s", day + time.Hour + time.Minute + time.Second},
		{"3.5 hours", 3*time.Hour + 30*time.Minute},
		{"1 hour 1 hour", 2 * time.Hour},
		{"1 hour 60 minutes", 2 * time.Hour},

		// libHX's own test vectors (tc-string.c, facts only) and
		// upstream's tests/utiltest.cpp.
		{"29µs", 29 * time.Microsecond},
		{"1y", year},
		{"1y1month1week1d1h1min1s ", year + month + week + day + time.Hour + time.Minute + time.Second},
		{"12.5 hours .5 hours 240 minutes 25200 seconds", day},
		{"1s", time.Second},
		{"1min", time.Minute},
		{"0", 0},
		{"0.0", 0},
		{"1s0", time.Second},
		{"1s0.0", time.Second},
		{"1s1s", 2 * time.Second},
		{" 1 d 1 h 1 min 1 s ", day + time.Hour + time.Minute + time.Second},
		{"P1M", month},
		{"PT1M", time.Minute},
		{"P0DT0H0M0.0S", 0},
		{"P0DT12H45M0.0S", 12*time.Hour + 45*time.Minute},
		{"P1D", day},

		// Every unit name, and ASCII case folding.
		{"1ns", 1}, {"1nsec", 1}, {"2NS", 2},
		{"1µs", time.Microsecond}, {"1µsec", time.Microsecond}, {"1μs", time.Microsecond}, {"1μsec", time.Microsecond},
		{"1µSEC", time.Microsecond},
		{"1ms", time.Millisecond}, {"1msec", time.Millisecond}, {"1MS", time.Millisecond},
		{"1s", time.Second}, {"1sec", time.Second}, {"1second", time.Second}, {"2seconds", 2 * time.Second}, {"1S", time.Second},
		{"1min", time.Minute}, {"1minute", time.Minute}, {"2minutes", 2 * time.Minute}, {"1m", time.Minute}, {"1MIN", time.Minute},
		{"1h", time.Hour}, {"1hour", time.Hour}, {"2hours", 2 * time.Hour}, {"1H", time.Hour},
		{"1d", day}, {"1day", day}, {"2days", 2 * day}, {"1Day", day},
		{"1week", week}, {"2weeks", 2 * week},
		{"1month", month}, {"2months", 2 * month},
		{"1y", year}, {"1year", year}, {"2years", 2 * year}, {"1Y", year},

		// Fractions: exact, truncated to the nanosecond.
		{"1.5min", 90 * time.Second},
		{".5h", 30 * time.Minute},
		{"0.3s", 300 * time.Millisecond},
		{"4.35s", 4350 * time.Millisecond},
		{"1.s", time.Second},
		{"1.5e3s", 1500 * time.Second},
		{"2.5E-3s", 2500 * time.Microsecond},
		{"1.0000000005s", time.Second}, // half a nanosecond truncated
		{"0.5ns", 0},

		// Signs (doc/gromox.7 allows negative numbers; libHX does not).
		{"+5s", 5 * time.Second},
		{"-1h", -time.Hour},
		{"1h -15min", 45 * time.Minute},
		{"-1.5h", -90 * time.Minute},

		// Whitespace anywhere between tokens.
		{"\t1h\n30min\v", 90 * time.Minute},
		{"1 h30 min", 90 * time.Minute},
		{"", 0},
		{"   ", 0},
		{"0 5s", 5 * time.Second},
		{"0 0 0", 0},

		// Range edges of time.Duration.
		{"9223372036854775807ns", math.MaxInt64},
		{"-9223372036854775808ns", math.MinInt64},
		{"292y", 292 * year},
		{"106751d", 106751 * day},
	} {
		got, err := ParseDuration(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestParseDurationErrors(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want error
	}{
		{"90", ErrSyntax}, // a unitless number other than 0 (libHX ≥ 4.18)
		{"1s1", ErrSyntax},
		{"1 secs", ErrSyntax}, // word boundary
		{"1x", ErrSyntax},
		{"1M", ErrSyntax}, // "m" (minutes) is lower-case only; M is ambiguous
		{"1w", ErrSyntax}, // not a unit upstream
		{"1us", ErrSyntax},
		{"h", ErrSyntax},
		{"1 -", ErrSyntax},
		{"- 1s", ErrSyntax},
		{"1.5.5s", ErrSyntax},
		{"1e3s", ErrSyntax}, // exponent only after a period, as strtoull+strtod
		{"0x10s", ErrSyntax},
		{"p1m", ErrSyntax}, // ISO 8601 needs the upper-case P
		{"PT1HT1M", ErrSyntax},
		{"P1W", ErrSyntax},
		{"1h,30min", ErrSyntax},
		{"9223372036854775808ns", ErrRange},
		{"-9223372036854775809ns", ErrRange},
		{"293y", ErrRange},
		{"99999999999999999999999y", ErrRange},
		{"1.0e99999999999999999999y", ErrRange},
		{"200y 200y", ErrRange},
	} {
		got, err := ParseDuration(tc.in)
		if !errors.Is(err, tc.want) {
			t.Errorf("ParseDuration(%q) = %v, %v; want error %v", tc.in, got, err, tc.want)
		}
	}
}

func TestParseSeconds(t *testing.T) {
	// Upstream CFG_TIME: each quantum truncated to whole seconds.
	for _, tc := range []struct {
		in   string
		want time.Duration
	}{
		{"1.5s", time.Second},
		{"500ms", 0},
		{"1500ms", 0},
		{"0.5s 0.5s", 0},
		{"1.5min", 90 * time.Second},
		{"1min 1.9s", 61 * time.Second},
		{"1day", day},
	} {
		got, err := parseSeconds(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("parseSeconds(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestFormatDuration(t *testing.T) {
	for _, tc := range []struct {
		in   time.Duration
		want string
	}{
		{0, "0"},
		{time.Second, "1s"},
		{90 * time.Second, "1min30s"},
		{day + 2*time.Hour + 3*time.Minute + 4*time.Second + 500*time.Millisecond, "1d2h3min4s500ms"},
		{1500 * time.Nanosecond, "1µs500ns"},
		{-90 * time.Minute, "-1h-30min"},
	} {
		if got := FormatDuration(tc.in); got != tc.want {
			t.Errorf("FormatDuration(%v) = %q, want %q", tc.in, got, tc.want)
		}
		back, err := ParseDuration(tc.want)
		if err != nil || back != tc.in {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", tc.want, back, err, tc.in)
		}
	}
	for _, d := range []time.Duration{math.MaxInt64, math.MinInt64, -1} {
		if back, err := ParseDuration(FormatDuration(d)); err != nil || back != d {
			t.Errorf("round trip of %d: %v, %v", d, back, err)
		}
	}
}

func TestParseSize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want uint64
	}{
		{"4k", 4096}, // doc/gromox.7 examples
		{"1.5M", 1572864},
		{"4K", 4096},
		{"1m", 1 << 20}, // upstream upper-cases the suffix
		{"0", 0},
		{"", 0},
		{" 12 ", 12},
		{"4 k", 4096},
		{"+7", 7},
		{"-0", 0},
		{"010", 10}, // base 10, as libHX passes
		{"1G", 1 << 30},
		{"1T", 1 << 40},
		{"1P", 1 << 50},
		{"1E", 1 << 60},
		{"15E", 15 << 60},
		{"0.5k", 512},
		{"1.5", 1},
		{"1.9999", 1},
		{".5k", 512},
		{"1.5e3", 1500},
		{"0.000000000001Q", 1267650600228229401}, // 2^100 × 10^-12, exactly
		{"0Q", 0},
		{"0.000000001R", 1237940039285380274}, // 2^90 × 10^-9, truncated
		{"18446744073709551615", math.MaxUint64},
		{"64M", 64 << 20},
	} {
		got, err := ParseSize(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
	for _, tc := range []struct {
		in   string
		want error
	}{
		{"16E", ErrRange},
		{"1Z", ErrRange},
		{"1Y", ErrRange},
		{"1R", ErrRange},
		{"1Q", ErrRange},
		{"18446744073709551616", ErrRange},
		{"99999999999999999999999", ErrRange},
		{"17179869184G", ErrRange},
		{"-1", ErrRange},
		{"-1.5k", ErrRange},
		{"0x10", ErrSyntax},
		{"4kB", ErrSyntax},
		{"4 KiB", ErrSyntax},
		{"k", ErrSyntax},
		{"1e3", ErrSyntax}, // "e" is the exa suffix, then "3" is left over
		{"1 2", ErrSyntax},
		{"abc", ErrSyntax},
		{"1.2.3", ErrSyntax},
	} {
		got, err := ParseSize(tc.in)
		if !errors.Is(err, tc.want) {
			t.Errorf("ParseSize(%q) = %d, %v; want error %v", tc.in, got, err, tc.want)
		}
	}
}

func TestParseInt(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
	}{
		{"-1", -1},
		{"4k", 4096},
		{"-1.5k", -1536},
		{"9223372036854775807", math.MaxInt64},
		{"-9223372036854775808", math.MinInt64},
	} {
		got, err := parseInt(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("parseInt(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
	if _, err := parseInt("9223372036854775808"); !errors.Is(err, ErrRange) {
		t.Errorf("parseInt(MaxInt64+1): %v", err)
	}
}

func TestParseBool(t *testing.T) {
	for _, in := range []string{"", "no", "NO", "No", "off", "OFF", "false", "False", "0", "00", "0x0", "-0", "+0", " 0 ", " no "} {
		if got, err := ParseBool(in); err != nil || got {
			t.Errorf("ParseBool(%q) = %v, %v; want false", in, got, err)
		}
	}
	for _, in := range []string{"yes", "YES", "on", "On", "true", "TRUE", "1", "2", "0x10", "-1", "010", "4294967296"} {
		if got, err := ParseBool(in); err != nil || !got {
			t.Errorf("ParseBool(%q) = %v, %v; want true", in, got, err)
		}
	}
	// Upstream reads these as true; ParseBool reports them.
	for _, in := range []string{"maybe", "y", "n", "nope", "0x", "08", "1.0", "enabled", "+", "-"} {
		if got, err := ParseBool(in); !errors.Is(err, ErrSyntax) {
			t.Errorf("ParseBool(%q) = %v, %v; want ErrSyntax", in, got, err)
		}
	}
}

func TestErrorMessages(t *testing.T) {
	// The unitless-number error tells what to write instead.
	_, err := ParseDuration("90")
	if err == nil || !strings.Contains(err.Error(), "90s") {
		t.Errorf("ParseDuration(90): %v", err)
	}
}

func TestLongNumbers(t *testing.T) {
	// Exactness does not depend on how many digits a number has.
	zeros := strings.Repeat("0", 100000)
	for _, tc := range []struct {
		in   string
		want time.Duration
	}{
		{"1." + zeros + "s", time.Second},
		{zeros + "1s", time.Second},
		{"0." + zeros + "1e100001s", time.Second},
		{"1." + zeros + "1s", time.Second},
	} {
		got, err := ParseDuration(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseDuration(%.20q...) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	if got, err := ParseSize("0." + zeros + "1e100004"); err != nil || got != 1000 {
		t.Errorf("ParseSize(long) = %d, %v", got, err)
	}
}
