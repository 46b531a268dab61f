package config

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestFileCompression reads exmdb_file_compression the way upstream's
// exmdb_provider does: false booleans are off, yes and zstd level 6,
// zstd-N level N, and anything else off with an error to log.
func TestFileCompression(t *testing.T) {
	for _, c := range []struct {
		in    string
		level int
		bad   bool
	}{
		{"zstd-6", 6, false}, // the default
		{"no", 0, false}, {"off", 0, false}, {"false", 0, false}, {"0", 0, false}, {"", 0, false},
		{"yes", 6, false}, {"YES", 6, false}, {"zstd", 6, false}, {" Zstd ", 6, false},
		{"zstd-1", 1, false}, {"zstd-19", 19, false}, {"ZSTD-3", 3, false},
		{"zstd-99", 22, false}, // libzstd's highest level
		{"zstd-0", 0, false},   // off
		{"zstd-", 0, false},    // strtoul of nothing: off
		{"zstd-7x", 7, false},  // strtoul stops at the x
		{"on", 0, true},        // not understood upstream either: off
		{"1", 0, true},         //
		{"lz4", 0, true},       //
		{"zstd6", 0, true},     //
	} {
		level, err := FileCompression(c.in)
		if level != c.level || (err != nil) != c.bad {
			t.Errorf("FileCompression(%q) = %d, %v; want %d, error %v", c.in, level, err, c.level, c.bad)
		}
	}
}

// TestExmdbProviderCfg: exmdb_provider.cfg is read beside gromox.cfg, with
// upstream's defaults when absent, and in the embedded instance from its
// data directory.
func TestExmdbProviderCfg(t *testing.T) {
	dir := etcGromox(t, map[string]string{"exmdb_provider.cfg": "exmdb_file_compression = no\ncache_interval = 5min\n"})
	s, err := Load(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	v := s.Files["exmdb_provider.cfg"]
	if v == nil || v.String("exmdb_file_compression") != "no" || v.Duration("cache_interval") != 5*time.Minute {
		t.Fatalf("exmdb_provider.cfg read as %+v", v)
	}
	// Absent: upstream's defaults.
	s, err = Load(etcGromox(t, nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	if v := s.Files["exmdb_provider.cfg"]; v == nil || v.String("exmdb_file_compression") != "zstd-6" || v.Duration("cache_interval") != time.Minute {
		t.Fatalf("defaults: %+v", v)
	}
	// The embedded instance reads it from its data directory.
	data := t.TempDir()
	if err := os.WriteFile(filepath.Join(data, "exmdb_provider.cfg"), []byte("exmdb_file_compression = zstd-3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if v := Embedded(data).Files["exmdb_provider.cfg"]; v == nil || v.String("exmdb_file_compression") != "zstd-3" {
		t.Fatalf("embedded: %+v", v)
	}
}
