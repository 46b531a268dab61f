package supervisor

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/gromox-go/gromox/config"
	"github.com/gromox-go/gromox/mailbox"
)

// TestStoreOptions: the stores get exmdb_provider.cfg's compression level,
// cache_interval, exmdb_body_autosynthesis and max_rule_number; a
// compression scheme upstream would not understand turns compression off
// with a warning, as upstream does.
func TestStoreOptions(t *testing.T) {
	for _, c := range []struct {
		file    string // exmdb_provider.cfg; "" for none
		level   int
		idle    time.Duration
		noSynth bool
		rules   int
		warns   int
	}{
		{"", mailbox.DefaultCompression, time.Minute, false, 1000, 0}, // upstream's defaults: zstd-6
		{"exmdb_file_compression = zstd-6\n", 6, time.Minute, false, 1000, 0},
		{"exmdb_file_compression = no\ncache_interval = 10min\n", mailbox.CompressionOff, 10 * time.Minute, false, 1000, 0},
		{"exmdb_file_compression = zstd-19\nexmdb_body_autosynthesis = no\nmax_rule_number = 5\n", 19, time.Minute, true, 5, 0},
		{"exmdb_file_compression = brotli\nmax_rule_number = 5000\n", mailbox.CompressionOff, time.Minute, false, 2000, 1}, // max_rule_number clamped to upstream's maximum
	} {
		dir := t.TempDir()
		if c.file != "" {
			if err := os.WriteFile(filepath.Join(dir, "exmdb_provider.cfg"), []byte(c.file), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		st, err := config.EmbeddedLoad(dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		core, logs := observer.New(zapcore.InfoLevel)
		o := storeOptions(st, zap.New(core))
		if o.FileCompression != c.level || o.Idle != c.idle || o.NoBodySynthesis != c.noSynth || o.MaxRules != c.rules {
			t.Errorf("%q: FileCompression %d, Idle %v, NoBodySynthesis %v, MaxRules %d; want %d, %v, %v, %d",
				c.file, o.FileCompression, o.Idle, o.NoBodySynthesis, o.MaxRules, c.level, c.idle, c.noSynth, c.rules)
		}
		if n := logs.FilterLevelExact(zapcore.WarnLevel).Len(); n != c.warns {
			t.Errorf("%q: %d warnings, want %d", c.file, n, c.warns)
		}
	}
}
