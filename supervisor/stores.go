package supervisor

import (
	"strconv"

	"go.uber.org/zap"

	"github.com/gromox-go/gromox/config"
	"github.com/gromox-go/gromox/mailbox"
)

// storeOptions are the stores' settings from exmdb_provider.cfg, upstream's
// file for its store service: cache_interval (how long an unused store
// stays open), exmdb_file_compression (the zstd level of new content
// files), exmdb_body_autosynthesis (bodies made from RTF on read) and
// max_rule_number (rules per folder).
func storeOptions(st *config.Settings, log *zap.Logger) mailbox.Options {
	var o mailbox.Options
	v := st.Files["exmdb_provider.cfg"]
	if v == nil {
		return o
	}
	o.Idle = v.Duration("cache_interval")
	o.NoBodySynthesis = !v.Bool("exmdb_body_autosynthesis")
	o.MaxRules = int(v.Size("max_rule_number"))
	level, err := config.FileCompression(v.String("exmdb_file_compression"))
	if err != nil {
		log.Warn("exmdb_provider.cfg", zap.Error(err))
	}
	o.FileCompression = level
	scheme := "zstd-" + strconv.Itoa(level)
	if level == 0 {
		o.FileCompression, scheme = mailbox.CompressionOff, "off"
	}
	log.Info("content file compression: " + scheme)
	return o
}
