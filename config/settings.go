package config

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// User directory back ends (Settings.DirectoryBackend).
const (
	DirectoryMySQL  = "mysql"
	DirectorySQLite = "sqlite"
)

// Settings are the server-wide settings, read from gromox.cfg and
// mysql_adaptor.cfg. A Settings is not changed after loading; reloading
// makes a new one.
type Settings struct {
	// ConfigDir is the directory the configuration was loaded from (the
	// last, shared, directory of ConfigPath); "" for Embedded.
	ConfigDir  string
	ConfigPath SearchPath
	DataDir    string // data_path, absolute
	HostID     string // host_id, or the host name

	DirectoryBackend string // DirectoryMySQL or DirectorySQLite
	SQLitePath       string // user_directory_sqlite, absolute
	MySQL            MySQL

	AdminListen     string // "" if disabled
	LogLevel        int    // 1 crit … 6 debug
	LogFile         string // "-" for standard error, else an absolute path
	ShutdownTimeout time.Duration
	GCPercent       int    // gc_percent: the Go collector's GOGC for large heaps
	GCMinHeadroom   uint64 // gc_min_headroom: the least a heap may grow between collections
	MemoryLimit     uint64 // memory_limit: the Go runtime's soft limit in bytes; 0: none

	AuthFailDelay       time.Duration // auth_fail_delay
	AuthBackend         string        // "ldap", "pam", "allow_all" or "deny_all"
	UserFilter          UserFilter
	ObjectCacheLifetime time.Duration // mysql_object_cache_lifetime
	CredCacheLifetime   time.Duration // http_basic_auth_cred_caching

	Listen Listeners

	// Files are the typed values of every file read, by base name
	// ("gromox.cfg", "mysql_adaptor.cfg"), for directives without a field.
	// Read-only.
	Files map[string]*Values
}

// MySQL is the user database connection (mysql_adaptor.cfg).
type MySQL struct {
	Host              string // mysql_host
	Port              int    // mysql_port
	User              string // mysql_username
	Password          string // mysql_password, or the decoded mysql_password_mode_id555
	DBName            string // mysql_dbname
	ConnNum           int    // connection_num
	RdwrTimeout       time.Duration
	PoolIdleTimeout   time.Duration
	SchemaUpgrade     string // schema_upgrade, e.g. "host:mail1.example.com"
	EnableFirstTimePW bool   // enable_firsttime_password
	TLSCert, TLSKey   string // mysql_tls_cert, mysql_tls_key (not in DSN)
}

// ConnectTimeout is the connection timeout upstream uses: mysql_rdwr_timeout,
// or 20 s if that is 0 (doc/mysql_adaptor.4gx).
func (m MySQL) ConnectTimeout() time.Duration {
	if m.RdwrTimeout > 0 {
		return m.RdwrTimeout
	}
	return 20 * time.Second
}

// SchemaUpgradeBy reports whether schema_upgrade names hostID
// ("host:<hostID>"), i.e. whether this server may upgrade the schema.
func (m MySQL) SchemaUpgradeBy(hostID string) bool {
	h, ok := strings.CutPrefix(m.SchemaUpgrade, "host:")
	return ok && h == hostID
}

// DSN returns a data source name for github.com/go-sql-driver/mysql:
// user:password@tcp(host:port)/dbname?params. The driver finds the password
// between the first ':' and the last '@' before the last '/', so the
// password needs no escaping; the database name is path-escaped and the
// parameters query-escaped, as the driver unescapes them. A user name
// cannot contain ':' (Load rejects one). TLS (TLSCert, TLSKey) needs a
// registered tls.Config and is left to the caller.
func (m MySQL) DSN() string {
	var b strings.Builder
	b.WriteString(m.User)
	if m.Password != "" {
		b.WriteByte(':')
		b.WriteString(m.Password)
	}
	b.WriteByte('@')
	host := m.Host
	if host == "" {
		host = "localhost"
	}
	fmt.Fprintf(&b, "tcp(%s)/%s", net.JoinHostPort(host, strconv.Itoa(m.Port)), url.PathEscape(m.DBName))
	q := []string{"parseTime=true", "charset=utf8mb4", "timeout=" + url.QueryEscape(m.ConnectTimeout().String())}
	if m.RdwrTimeout > 0 {
		t := url.QueryEscape(m.RdwrTimeout.String())
		q = append(q, "readTimeout="+t, "writeTimeout="+t)
	}
	b.WriteByte('?')
	b.WriteString(strings.Join(q, "&"))
	return b.String()
}

// UserFilter are the login limits (upstream's user_filter and the
// per-protocol *_auth_times).
type UserFilter struct {
	ICase         bool          // userfilter_icase
	MaxBans       int           // userfilter_maxbans
	MaxUsers      int           // userfilter_maxusers
	RLMaxTries    int           // userfilter_rl_maxtries
	RLWindow      time.Duration // userfilter_rl_window
	AuthTimes     int           // auth_times
	HostTimes     int           // auth_host_times
	BlockInterval time.Duration // block_interval_auths
}

// Listeners are the protocol listeners, each a list of host:port addresses
// (upstream's *_listen directives, space-separated "[addr]:port" lists); nil
// if the directive is set empty. The TLS defaults are upstream's documented
// ones; upstream binds them only when TLS is configured (in http.cfg,
// imap.cfg, ..., which this package does not read).
type Listeners struct {
	HTTP, HTTPTLS []string // http_listen, http_listen_tls
	IMAP, IMAPTLS []string // imap_listen, imap_listen_tls
	POP3, POP3TLS []string // pop3_listen, pop3_listen_tls
	LMTP, LMTPTLS []string // lda_listen, lda_listen_tls
}

// Load reads the configuration in dir (e.g. /etc/gromox): gromox.cfg, and
// mysql_adaptor.cfg (and authmgr.cfg if gromox.cfg does not set
// auth_backend_selection) from gromox.cfg's config_file_path, by default
// dir itself. Missing files leave their directives at their defaults. Keys a
// file's table does not know are reported through warn (which may be nil),
// once each; the first bad value is returned as an *Error.
func Load(dir string, warn func(Warning)) (*Settings, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("config directory: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("config directory %s: not a directory", dir)
	}
	return LoadPath(SearchPath{dir}, warn)
}

// LoadPath is Load with a search path: each file is taken from the first
// directory of path that has it (e.g. a per-program directory before
// /etc/gromox).
func LoadPath(path SearchPath, warn func(Warning)) (*Settings, error) {
	s, errs := load(path, warn, false)
	if len(errs) > 0 {
		return nil, errs[0]
	}
	return s, nil
}

// load reads and builds; with all set it goes on after errors to find every
// one.
func load(path SearchPath, warn func(Warning), all bool) (*Settings, []error) {
	var errs []error
	add := func(es []*Error) {
		for _, e := range es {
			errs = append(errs, e)
		}
	}
	gx, es := gromoxCfg.load(path, warn, all)
	add(es)
	if len(errs) > 0 && !all {
		return nil, errs
	}
	other := path
	if gx != nil && gx.IsSet("config_file_path") {
		other = ParseSearchPath(gx.String("config_file_path"))
		if len(other) == 0 {
			return nil, append(errs, gx.Errorf("config_file_path", "empty search path"))
		}
	}
	my, es := mysqlAdaptorCfg.load(other, warn, all)
	add(es)
	if len(errs) > 0 && !all {
		return nil, errs
	}
	var am *Values
	if all || gx == nil || !gx.IsSet("auth_backend_selection") {
		am, es = authmgrCfg.load(other, warn, all)
		add(es)
	}
	protos := map[string]*Values{}
	for _, t := range protocolTables {
		v, es := t.load(other, warn, all)
		add(es)
		protos[t.File] = v
	}
	if len(errs) > 0 {
		return nil, errs
	}
	s, err := build(gx, my, am)
	if err != nil {
		return nil, append(errs, err)
	}
	for f, v := range protos {
		s.Files[f] = v
	}
	s.ConfigPath = path
	if len(path) > 0 {
		s.ConfigDir = path[len(path)-1]
	}
	return s, nil
}

// Check validates every file this package knows (gromox.cfg,
// mysql_adaptor.cfg, authmgr.cfg, imap.cfg, pop3.cfg, http.cfg, smtp.cfg,
// exchange_emsmdb.cfg, exmdb_provider.cfg) in dir without starting
// anything, for `gromox config check`. It goes on after a bad value to
// find every one:
// the error is nil or joins one *Error per problem. The warnings are the
// unknown keys, clamped values and lax booleans, plus one for each *.cfg
// file in dir that this server does not read.
func Check(dir string) ([]Warning, error) {
	var warns []Warning
	warn := func(w Warning) { warns = append(warns, w) }
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("config directory: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("config directory %s: not a directory", dir)
	}
	_, errs := load(SearchPath{dir}, warn, true)
	names, err := filepath.Glob(filepath.Join(dir, "*.cfg"))
	if err != nil {
		errs = append(errs, err)
	}
	sort.Strings(names)
	known := map[string]bool{}
	for _, t := range tables {
		known[t.File] = true
	}
	for _, n := range names {
		if !known[filepath.Base(n)] {
			warn(Warning{File: n, Reason: "not read by this server; its directives have no effect"})
		}
	}
	return warns, errors.Join(errs...)
}

// build makes Settings from typed values, checking what types cannot.
// am may be nil when gromox.cfg sets auth_backend_selection.
func build(gx, my, am *Values) (*Settings, error) {
	s := &Settings{Files: map[string]*Values{"gromox.cfg": gx, "mysql_adaptor.cfg": my}}
	if am != nil {
		s.Files["authmgr.cfg"] = am
	}
	var err error

	dp := gx.String("data_path")
	if dp == "" {
		return nil, gx.Errorf("data_path", "empty")
	}
	if s.DataDir, err = filepath.Abs(dp); err != nil {
		s.DataDir = filepath.Clean(dp) // no working directory; keep it relative
	}
	s.HostID = gx.String("host_id")
	if s.HostID == "" {
		if s.HostID, err = os.Hostname(); err != nil {
			return nil, gx.Errorf("host_id", "not set, and no host name: %v", err)
		}
	}

	switch b := strings.ToLower(gx.String("user_directory")); b {
	case DirectoryMySQL, DirectorySQLite:
		s.DirectoryBackend = b
	default:
		return nil, gx.Errorf("user_directory", "%q is neither %s nor %s", gx.String("user_directory"), DirectoryMySQL, DirectorySQLite)
	}
	s.SQLitePath = underData(s.DataDir, gx.String("user_directory_sqlite"), "userdb.sqlite3")

	if a := gx.String("admin_listen"); a != "" {
		if _, _, err := net.SplitHostPort(a); err != nil {
			return nil, gx.Errorf("admin_listen", "%v", err)
		}
		s.AdminListen = a
	}
	s.LogLevel = int(gx.Int("log_level"))
	s.LogFile = gx.String("log_file")
	if s.LogFile == "" || s.LogFile == "-" {
		s.LogFile = "-"
	} else {
		s.LogFile = underData(s.DataDir, s.LogFile, "")
	}
	s.ShutdownTimeout = gx.Duration("shutdown_timeout")
	s.GCPercent = int(gx.Int("gc_percent"))
	s.GCMinHeadroom = gx.Size("gc_min_headroom")
	s.MemoryLimit = gx.Size("memory_limit")

	s.AuthFailDelay = gx.Duration("auth_fail_delay")
	src, key := gx, "auth_backend_selection"
	if !gx.IsSet(key) && am != nil && am.IsSet(key) {
		src = am
	}
	switch v := src.String(key); v {
	case "ldap", "externid", "always_ldap", "always_mysql":
		// authmgr.4gx: ldap (old name externid); the code takes
		// always_ldap and the obsolete always_mysql as ldap too.
		s.AuthBackend = "ldap"
	case "pam", "allow_all", "deny_all":
		s.AuthBackend = v
	default:
		return nil, src.Errorf(key, "%q is not one of ldap, pam, allow_all, deny_all", v)
	}

	counts := []struct {
		key string
		dst *int
		v   *Values
	}{
		{"userfilter_maxbans", &s.UserFilter.MaxBans, gx},
		{"userfilter_maxusers", &s.UserFilter.MaxUsers, gx},
		{"userfilter_rl_maxtries", &s.UserFilter.RLMaxTries, gx},
		{"auth_times", &s.UserFilter.AuthTimes, gx},
		{"auth_host_times", &s.UserFilter.HostTimes, gx},
		{"connection_num", &s.MySQL.ConnNum, my},
	}
	for _, c := range counts {
		n := c.v.Size(c.key)
		if n > math.MaxInt32 {
			return nil, c.v.Errorf(c.key, "%d is more than %d", n, math.MaxInt32)
		}
		*c.dst = int(n)
	}
	s.UserFilter.ICase = gx.Bool("userfilter_icase")
	s.UserFilter.RLWindow = gx.Duration("userfilter_rl_window")
	s.UserFilter.BlockInterval = gx.Duration("block_interval_auths")
	s.ObjectCacheLifetime = gx.Duration("mysql_object_cache_lifetime")
	s.CredCacheLifetime = gx.Duration("http_basic_auth_cred_caching")

	list := func(key string) []string {
		if f := strings.Fields(gx.String(key)); len(f) > 0 {
			return f
		}
		return nil // none: the listener is off
	}
	s.Listen = Listeners{
		HTTP: list("http_listen"), HTTPTLS: list("http_listen_tls"),
		IMAP: list("imap_listen"), IMAPTLS: list("imap_listen_tls"),
		POP3: list("pop3_listen"), POP3TLS: list("pop3_listen_tls"),
		LMTP: list("lda_listen"), LMTPTLS: list("lda_listen_tls"),
	}

	m := &s.MySQL
	m.Host = my.String("mysql_host")
	port := my.Int("mysql_port")
	if port < 1 || port > 65535 {
		return nil, my.Errorf("mysql_port", "%d is not a TCP port", port)
	}
	m.Port = int(port)
	m.User = my.String("mysql_username")
	if strings.ContainsRune(m.User, ':') {
		return nil, my.Errorf("mysql_username", "a user name with ':' cannot be passed to the MySQL driver")
	}
	m.Password = my.String("mysql_password")
	if my.String("mysql_password_mode_id107") != "" {
		// Upstream: zstd-compressed. This package has only the standard
		// library; say so rather than connect with the wrong password.
		return nil, my.Errorf("mysql_password_mode_id107", "zstd-compressed passwords are not supported yet; set mysql_password instead")
	}
	if enc := my.String("mysql_password_mode_id555"); enc != "" {
		if m.Password, err = sssDeobfuscate(enc); err != nil {
			return nil, my.Errorf("mysql_password_mode_id555", "%v", err)
		}
	}
	m.DBName = my.String("mysql_dbname")
	if m.ConnNum < 1 {
		return nil, my.Errorf("connection_num", "must be at least 1")
	}
	m.RdwrTimeout = my.Duration("mysql_rdwr_timeout")
	m.PoolIdleTimeout = my.Duration("mysql_pool_idle_timeout")
	m.SchemaUpgrade = my.String("schema_upgrade")
	m.EnableFirstTimePW = my.Bool("enable_firsttime_password")
	m.TLSCert = my.String("mysql_tls_cert")
	m.TLSKey = my.String("mysql_tls_key")
	return s, nil
}

// underData resolves a data file name against dataDir: "" gives dataDir/def,
// a relative name dataDir/name, an absolute name itself.
func underData(dataDir, name, def string) string {
	if name == "" {
		name = def
	}
	if filepath.IsAbs(name) {
		return filepath.Clean(name)
	}
	return filepath.Join(dataDir, name)
}

// sssDeobfuscate decodes SSSD's obfuscated password form, which upstream
// accepts as mysql_password_mode_id555: base64 of
// method(le16, 0) | size(le16) | AES-256 key(32) | IV(16) | AES-256-CBC
// ciphertext with PKCS#7 padding | sentinel 00 01 02 03.
func sssDeobfuscate(b64 string) (string, error) {
	x, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		if x, err = base64.RawStdEncoding.DecodeString(b64); err != nil {
			return "", fmt.Errorf("not base64: %w", err)
		}
	}
	bad := errors.New("not an SSSD-obfuscated password")
	n := len(x)
	if n < 4+32+16+4 || string(x[n-4:]) != "\x00\x01\x02\x03" || binary.LittleEndian.Uint16(x) != 0 {
		return "", bad
	}
	ct := x[52 : n-4]
	if len(ct) == 0 || len(ct)%aes.BlockSize != 0 {
		return "", bad
	}
	blk, err := aes.NewCipher(x[4:36])
	if err != nil {
		return "", err
	}
	pt := make([]byte, len(ct))
	cipher.NewCBCDecrypter(blk, x[36:52]).CryptBlocks(pt, ct)
	pad := int(pt[len(pt)-1])
	if pad < 1 || pad > aes.BlockSize || pad > len(pt) {
		return "", bad
	}
	for _, c := range pt[len(pt)-pad:] {
		if int(c) != pad {
			return "", bad
		}
	}
	return string(pt[:len(pt)-pad]), nil
}

// Embedded returns the settings `make run` uses when there is no config
// directory: the SQLite user directory at <dataDir>/userdb.sqlite3, all data
// under dataDir, every listener on loopback (HTTP 8080, IMAP 1143, POP3 1110,
// LMTP 2424, no TLS; admin 9411), everything else at its default.
func Embedded(dataDir string) *Settings {
	s, err := EmbeddedLoad(dataDir, nil)
	if err != nil {
		panic("config: embedded settings: " + err.Error())
	}
	return s
}

// EmbeddedFile is the optional file in the embedded instance's data
// directory whose gromox.cfg directives override the embedded defaults.
const EmbeddedFile = "gromox.cfg"

// EmbeddedLoad is Embedded with the directives of <dataDir>/gromox.cfg, if
// that file exists, applied over the embedded defaults (e.g.
// admin_listen = 127.0.0.1:0 for a second instance beside the first).
func EmbeddedLoad(dataDir string, warn func(Warning)) (*Settings, error) {
	if dataDir == "" {
		dataDir = "."
	}
	entries := [][2]string{
		{"data_path", dataDir},
		{"user_directory", DirectorySQLite},
		{"http_listen", "127.0.0.1:8080"},
		{"http_listen_tls", ""},
		{"imap_listen", "127.0.0.1:1143"},
		{"imap_listen_tls", ""},
		{"pop3_listen", "127.0.0.1:1110"},
		{"pop3_listen_tls", ""},
		{"lda_listen", "127.0.0.1:2424"},
		{"lda_listen_tls", ""},
		{"admin_listen", "127.0.0.1:9411"},
	}
	if _, err := os.Hostname(); err != nil {
		entries = append(entries, [2]string{"host_id", "localhost"})
	}
	f := &File{Name: "(embedded gromox.cfg)", last: map[string]int{}}
	for i, e := range entries {
		f.last[e[0]] = len(f.Entries)
		f.Entries = append(f.Entries, Entry{Key: e[0], Value: e[1], Line: i + 1})
	}
	over, err := ReadCfg(filepath.Join(dataDir, EmbeddedFile))
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return nil, err
	default:
		// The overlay's entries come after the defaults, so they count;
		// errors and warnings name the overlay file.
		f.Name = over.Name
		f.Skipped = over.Skipped
		for _, e := range over.Entries {
			f.last[e.Key] = len(f.Entries)
			f.Entries = append(f.Entries, e)
		}
	}
	gx, err := gromoxCfg.Apply(f, warn)
	if err != nil {
		return nil, err
	}
	s, err := build(gx, mysqlAdaptorCfg.Defaults(), nil)
	if err != nil {
		return nil, err
	}
	// The per-protocol and per-service files beside the overlay
	// (certificates, limits, store settings), at their defaults when
	// absent.
	for _, t := range protocolTables {
		v, err := t.Load(SearchPath{dataDir}, warn)
		if err != nil {
			return nil, err
		}
		s.Files[t.File] = v
	}
	return s, nil
}
