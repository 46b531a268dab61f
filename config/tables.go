package config

// The directive tables of the files we read. Upstream keys carry upstream's
// defaults and types (doc/*.4gx, doc/*.8gx, doc/gromox.cfg.5 and the
// programs' default tables); a real /etc/gromox therefore loads without
// unknown-key warnings. Keys upstream reads but we do not act on yet are
// listed all the same: they are known, typed and checked.

// gromoxCfg is gromox.cfg: upstream's shared file (every key that any
// upstream program or component reads from it) plus ours.
var gromoxCfg = Table{File: "gromox.cfg", Directives: []Directive{
	// --- ours ---

	// data_path is the root of variable data (stores, queue, the SQLite
	// user directory); upstream hard-codes /var/lib/gromox. A relative
	// data_path is taken relative to the working directory; other relative
	// data paths (user_directory_sqlite, log_file) relative to data_path.
	{Key: "data_path", Default: "/var/lib/gromox"},
	// user_directory selects the user database: "mysql" (upstream's schema,
	// configured by mysql_adaptor.cfg) or "sqlite" (embedded, at
	// user_directory_sqlite).
	{Key: "user_directory", Default: "mysql"},
	// user_directory_sqlite is the embedded user database file; empty means
	// <data_path>/userdb.sqlite3.
	{Key: "user_directory_sqlite", Default: ""},
	// admin_listen is the loopback listener for health, metrics, pprof and
	// tracing switches; empty disables it.
	{Key: "admin_listen", Default: "127.0.0.1:9411"},
	// log_level is upstream's scale: 1 crit, 2 err, 3 warn, 4 notice,
	// 5 info, 6 debug (upstream: <prog>_log_level).
	{Key: "log_level", Default: "4", Type: Int, Min: "1", Max: "6"},
	// log_file is "-" for standard error, or a file (upstream:
	// <prog>_log_file).
	{Key: "log_file", Default: "-"},
	// shutdown_timeout bounds an orderly shutdown (listeners, sessions,
	// store flush) before the process exits anyway.
	{Key: "shutdown_timeout", Default: "30s", Type: Duration},
	// auth_times failed logins of one user within block_interval_auths
	// refuse that user for block_interval_auths (upstream has per-protocol
	// http_auth_times/imap_auth_times/pop3_auth_times).
	{Key: "auth_times", Default: "10", Type: Size},
	// auth_host_times failed logins from one remote address within
	// block_interval_auths refuse that address for block_interval_auths.
	{Key: "auth_host_times", Default: "30", Type: Size},
	// block_interval_auths is how long a refusal lasts (upstream keeps it
	// in http.cfg, imap.cfg and pop3.cfg, with this default and minimum).
	{Key: "block_interval_auths", Default: "1min", Type: Seconds, Min: "1s"},
	// gc_percent and gc_min_headroom set the Go collector's target: a
	// collection starts once the heap has grown by gc_percent of what the
	// last one kept (Go's GOGC), or by gc_min_headroom if that is more;
	// the process keeps about that much memory beyond its live heap. A
	// server of thousands of mostly idle sessions is bound by memory, and
	// its live heap is large: it keeps half of it more rather than Go's
	// default of as much again. A small live heap grows by
	// gc_min_headroom, so a small server does not collect more often than
	// with Go's default. The GOGC environment variable, when set, takes
	// precedence over both.
	{Key: "gc_percent", Default: "50", Type: Int, Min: "10", Max: "1000"},
	{Key: "gc_min_headroom", Default: "64M", Type: Size, Max: "1T"},
	// memory_limit is the Go runtime's soft memory limit (GOMEMLIMIT):
	// nearing it, the collector runs more often and freed memory goes
	// back to the system sooner; 0: none. The GOMEMLIMIT environment
	// variable, when set, takes precedence.
	{Key: "memory_limit", Default: "0", Type: Size},

	// --- upstream ---

	{Key: "auth_backend_selection", Default: "ldap"}, // authmgr.4gx; falls back to authmgr.cfg
	{Key: "auth_fail_delay", Default: "1s", Type: Duration},
	{Key: "autoreply_silence_window", Default: "1day", Type: Seconds, Min: "0"},
	{Key: "backfill_transport_headers", Default: "off", Type: Bool},
	{Key: "bounce_postmaster", Default: "postmaster@"},
	// config_file_path: where the other .cfg files are looked for; empty
	// means the directory gromox.cfg was loaded from (upstream: a
	// per-program default such as /etc/gromox/istore:/etc/gromox).
	{Key: "config_file_path", Default: ""},
	// daemons_fd_limit: upstream aliases it to the program's
	// <prog>_fd_limit; we are one program.
	{Key: "daemons_fd_limit", Default: "0", Type: Size},
	{Key: "data_file_path", Default: "/usr/share/gromox"},
	{Key: "dnsbl_client", Default: ""},
	{Key: "emsmdb_compress_threshold", Default: "-1", Type: Int},
	{Key: "exmdb_client_rpc_timeout", Default: "0", Type: Seconds, Min: "0"},
	{Key: "exmdb_deep_backtrace", Default: "no", Type: Bool},
	{Key: "exmdb_force_write_txn", Default: "no", Type: Bool},
	{Key: "exmdb_ics_log_file", Default: ""},
	{Key: "exmdb_listen", Default: "[::1]:5000"},
	{Key: "exmdb_optimize_stm", Default: "on", Type: Bool},
	{Key: "exmdb_parallelize_schemaup", Default: "4", Type: Int},
	{Key: "exmdb_parallelize_sqliteshut", Default: "4", Type: Int},
	{Key: "fcgid_fd_limit", Default: "0", Type: Size},
	{Key: "fcgid_log_file", Default: "-"},
	{Key: "fcgid_log_level", Default: "4", Type: Int},
	{Key: "host_id", Default: ""}, // empty: os.Hostname()
	{Key: "http_basic_auth_cred_caching", Default: "1min", Type: Duration},
	{Key: "http_fd_limit", Default: "0", Type: Size},
	{Key: "http_listen", Default: "[::]:80"},
	{Key: "http_listen_tls", Default: "[::]:443"},
	{Key: "http_remote_host_hdr", Default: ""},
	{Key: "imap_accept_haproxy", Default: "0", Type: Size},
	{Key: "imap_fd_limit", Default: "0", Type: Size},
	{Key: "imap_listen", Default: "[::]:143"},
	{Key: "imap_listen_tls", Default: "[::]:993"},
	{Key: "istore_fd_limit", Default: "0", Type: Size},
	{Key: "istore_log_file", Default: "-"},
	{Key: "istore_log_level", Default: "4", Type: Int},
	{Key: "istore_standalone", Default: "0", Type: Int},
	{Key: "lda_accept_haproxy", Default: "0", Type: Size},
	{Key: "lda_alias_cache_lifetime", Default: "1h", Type: Seconds},
	{Key: "lda_fd_limit", Default: "0", Type: Size},
	{Key: "lda_junk_rules", Default: ""},
	{Key: "lda_listen", Default: "[::]:25"},
	{Key: "lda_listen_tls", Default: "[::]:465"},
	{Key: "lda_max_mail_size", Default: "64M", Type: Size},
	{Key: "lda_recipient_delimiter", Default: ""},
	// lda_support_haproxy is the name doc/delivery-queue.8gx uses; the
	// code reads lda_accept_haproxy.
	{Key: "lda_support_haproxy", AliasOf: "lda_accept_haproxy"},
	{Key: "malloc_trim_interval", Default: "10min", Type: Seconds, Min: "0"},
	{Key: "midb_fd_limit", Default: "0", Type: Size},
	{Key: "midb_listen", Default: "[::1]:5555"},
	{Key: "midb_sqlite_busy_timeout", Default: "60s", Type: Duration, Min: "0s", Max: "1h"},
	{Key: "mysql_object_cache_lifetime", Default: "1min", Type: Seconds},
	{Key: "outgoing_smtp_url", Default: "sendmail://localhost"},
	{Key: "oxdisco_advertise_mh", Default: "yes"},
	{Key: "oxdisco_advertise_rpch", Default: "yes"},
	{Key: "oxdisco_exonym", Default: ""}, // empty: host_id
	{Key: "oxdisco_pretty_response", Default: "no", Type: Bool},
	{Key: "oxdisco_redirect_addr", Default: ""},
	{Key: "oxdisco_redirect_url", Default: ""},
	{Key: "oxdisco_request_logging", Default: "no", Type: Bool},
	{Key: "oxdisco_response_logging", Default: "no", Type: Bool},
	{Key: "oxdisco_validate_scndrequest", Default: "yes", Type: Bool},
	{Key: "pop3_accept_haproxy", Default: "0", Type: Size},
	{Key: "pop3_fd_limit", Default: "0", Type: Size},
	{Key: "pop3_listen", Default: "[::]:110"},
	{Key: "pop3_listen_tls", Default: "[::]:995"},
	{Key: "reported_server_version", Default: "15.00.0847.4040"},
	{Key: "ruleproc_debug", Default: "off", Type: Bool},
	{Key: "running_identity", Default: "gromox"},
	{Key: "softpurge_purgetime", Default: "30days", Type: Seconds},
	// sqlite_busy_timeout: upstream reads it from exmdb_provider.cfg, but
	// doc/gromox-mbck.8 names it gromox.cfg:sqlite_busy_timeout.
	{Key: "sqlite_busy_timeout", Default: "60s", Type: Duration, Min: "0s", Max: "1h"},
	{Key: "userfilter_icase", Default: "true", Type: Bool},
	{Key: "userfilter_maxbans", Default: "1000", Type: Size},
	{Key: "userfilter_maxusers", Default: "0", Type: Size},
	{Key: "userfilter_rl_maxtries", Default: "10", Type: Size},
	{Key: "userfilter_rl_window", Default: "1min", Type: Duration},
	{Key: "x500_org_name", Default: "Gromox default"},
	{Key: "zcore_fd_limit", Default: "0", Type: Size},
}}

// mysqlAdaptorCfg is mysql_adaptor.cfg (doc/mysql_adaptor.4gx and the
// component's default table).
var mysqlAdaptorCfg = Table{File: "mysql_adaptor.cfg", Directives: []Directive{
	{Key: "connection_num", Default: "8", Type: Size},
	{Key: "enable_firsttime_password", Default: "no", Type: Bool},
	// enable_firsttimepw is the name the manual uses; the code reads
	// enable_firsttime_password.
	{Key: "enable_firsttimepw", AliasOf: "enable_firsttime_password"},
	{Key: "mysql_dbname", Default: "email"},
	{Key: "mysql_host", Default: "localhost"},
	{Key: "mysql_password", Default: ""},
	// mysql_password_mode_id107: base64 of the zstd-compressed password.
	{Key: "mysql_password_mode_id107", Default: ""},
	// mysql_password_mode_id555: base64 of the password in SSSD's
	// obfuscated form (AES-256-CBC with the key alongside).
	{Key: "mysql_password_mode_id555", Default: ""},
	{Key: "mysql_pool_idle_timeout", Default: "1min", Type: Seconds},
	{Key: "mysql_port", Default: "3306", Type: Int},
	{Key: "mysql_rdwr_timeout", Default: "0", Type: Seconds},
	{Key: "mysql_tls_cert", Default: ""},
	{Key: "mysql_tls_key", Default: ""},
	{Key: "mysql_username", Default: "root"},
	{Key: "scan_interval", Default: "1min", Type: Seconds},
	// schema_upgrade "host:NAME" lets the server whose host_id is NAME
	// upgrade the database schema. The manual gives host:<hostname> as the
	// default; the code upgrades only when it is set, which we follow.
	{Key: "schema_upgrade", Default: ""},
	{Key: "schema_upgrades", AliasOf: "schema_upgrade"},
}}

// authmgrCfg is authmgr.cfg, the older home of auth_backend_selection,
// read when gromox.cfg does not set it.
var authmgrCfg = Table{File: "authmgr.cfg", Directives: []Directive{
	{Key: "auth_backend_selection", Default: "ldap"},
}}

// tables are the files we read, in the order Check reports them.
var tables = append([]*Table{&gromoxCfg, &mysqlAdaptorCfg, &authmgrCfg}, protocolTables...)

// Tables returns copies of the directive tables of every file this package
// reads (gromox.cfg, mysql_adaptor.cfg, authmgr.cfg and the per-service
// files), e.g. for listing the defaults.
func Tables() []Table {
	out := make([]Table, len(tables))
	for i, t := range tables {
		out[i] = Table{File: t.File, Directives: append([]Directive(nil), t.Directives...)}
	}
	return out
}
