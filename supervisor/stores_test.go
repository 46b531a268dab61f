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

// TestStoreOptions: the stores get exmdb_provider.cfg's compression level
// and cache_interval; a scheme upstream would not understand turns
// compression off with a warning, as upstream does.
func TestStoreOptions(t *testing.T) {
	for _, c := range []struct {
		file  string // exmdb_provider.cfg; "" for none
		level int
		idle  time.Duration
		warns int
	}{
		{"", mailbox.DefaultCompression, time.Minute, 0}, // upstream's defaults: zstd-6
		{"exmdb_file_compression = zstd-6\n", 6, time.Minute, 0},
		{"exmdb_file_compression = no\ncache_interval = 10min\n", mailbox.CompressionOff, 10 * time.Minute, 0},
		{"exmdb_file_compression = zstd-19\n", 19, time.Minute, 0},
		{"exmdb_file_compression = brotli\n", mailbox.CompressionOff, time.Minute, 1},
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
		if o.FileCompression != c.level || o.Idle != c.idle {
			t.Errorf("%q: FileCompression %d, Idle %v; want %d, %v", c.file, o.FileCompression, o.Idle, c.level, c.idle)
		}
		if n := logs.FilterLevelExact(zapcore.WarnLevel).Len(); n != c.warns {
			t.Errorf("%q: %d warnings, want %d", c.file, n, c.warns)
		}
	}
}
