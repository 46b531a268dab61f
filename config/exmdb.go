package config

import (
	"fmt"
	"strings"
)

// exmdbProviderCfg is exmdb_provider.cfg, the file of upstream's store
// service (doc/exmdb_provider.4gx and the service's default table). Of its
// directives, exmdb_file_compression (FileCompression), cache_interval
// (how long an unused store stays open), exmdb_body_autosynthesis (PR_BODY
// and PR_HTML made from an RTF-only body on read) and max_rule_number are
// ours too; the others are accepted, as upstream documents them, and have
// no effect here.
var exmdbProviderCfg = Table{File: "exmdb_provider.cfg", Directives: []Directive{
	// cache_interval: a store nobody has used for this long is closed.
	{Key: "cache_interval", Default: "1min", Type: Seconds, Min: "1s"},
	{Key: "dbg_synthesize_content", Default: "0", Type: Int},
	{Key: "enable_dam", Default: "yes", Type: Bool},
	{Key: "exmdb_body_autosynthesis", Default: "yes", Type: Bool},
	{Key: "exmdb_eph_prefix", Default: ""},
	// exmdb_file_compression: how content files (cid/) are compressed;
	// see FileCompression.
	{Key: "exmdb_file_compression", Default: "zstd-6"},
	{Key: "exmdb_hosts_allow", Default: ""},
	{Key: "exmdb_listen_port", Default: "5000", Type: Int},
	{Key: "listen_port", AliasOf: "exmdb_listen_port"},
	{Key: "exmdb_max_sqlite_spares", Default: "3", Type: Size},
	{Key: "exmdb_pf_read_per_user", Default: "1", Type: Int},
	{Key: "exmdb_pf_read_states", Default: "2", Type: Int},
	{Key: "exmdb_private_folder_softdelete", Default: "yes", Type: Bool},
	{Key: "exmdb_schema_upgrades", Default: "auto"},
	{Key: "exmdb_search_nice", Default: "0", Type: Int},
	{Key: "exmdb_search_pacing", Default: "250", Type: Size},
	{Key: "exmdb_search_pacing_time", Default: "0.5s", Type: Duration},
	{Key: "exmdb_search_yield", Default: "no", Type: Bool},
	{Key: "exrpc_debug", Default: "0", Type: Int},
	{Key: "max_ext_rule_number", Default: "20", Type: Size, Min: "1", Max: "100"},
	{Key: "max_router_connections", Default: "4095M", Type: Size},
	{Key: "max_rpc_stub_threads", Default: "4095M", Type: Size},
	{Key: "max_rule_number", Default: "1000", Type: Size, Min: "1", Max: "2000"},
	{Key: "max_store_message_count", Default: "0", Type: Size},
	{Key: "populating_threads_num", Default: "4", Type: Size, Min: "1", Max: "50"},
	{Key: "rpc_proxy_connection_num", Default: "10", Type: Size},
	{Key: "sqlite_busy_timeout", Default: "60s", Type: Duration, Min: "0s", Max: "1h"},
	{Key: "sqlite_debug", Default: "0", Type: Int},
	{Key: "table_size", Default: "5000", Type: Size, Min: "100"},
	{Key: "x500_org_name", Default: "Gromox default"},
}}

// FileCompression reads exmdb_file_compression as upstream does: a false
// boolean ("no", "off", "0") turns compression off, "yes" and "zstd" mean
// zstd level 6, "zstd-N" level N (levels above 22, libzstd's highest, are
// 22). Off still writes zstd frames, at the fastest level (upstream
// writes them at ZSTD_minCLevel), so every reader finds one format:
// FileCompression returns level 0 for it. Upstream turns compression off
// for any other value, "on" and "1" among them, and logs that it did; so
// does this, with an error to log.
func FileCompression(v string) (level int, err error) {
	s := strings.ToLower(strings.Trim(v, cSpace))
	if on, berr := ParseBool(s); berr == nil && !on {
		return 0, nil
	}
	switch {
	case s == "yes" || s == "zstd":
		return 6, nil
	case strings.HasPrefix(s, "zstd-"):
		// strtoul: the leading digits, 0 when there are none.
		n := 0
		for _, c := range s[len("zstd-"):] {
			if c < '0' || c > '9' {
				break
			}
			n = min(n*10+int(c-'0'), 22)
		}
		return n, nil
	}
	return 0, fmt.Errorf("exmdb_file_compression %q: compression scheme not understood, so compression is off (use no, yes or zstd-LEVEL)", v)
}
