package config

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
)

// etcGromox lays out a directory like a grommunio /etc/gromox.
func etcGromox(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		write(t, p, content)
	}
	return dir
}

const realGromoxCfg = `# Written by grommunio-setup
host_id = mail.example.com
x500_org_name = Example Org
outgoing_smtp_url = sendmail://localhost
http_listen = [::]:80
http_listen_tls = [::]:443
imap_listen = [::]:143 [::]:1143
userfilter_icase = yes
userfilter_rl_maxtries = 20
userfilter_rl_window = 2min
userfilter_maxusers = 1k
auth_backend_selection = externid
auth_fail_delay = 2.5s
oxdisco_exonym = mail.example.com
oxdisco_advertise_rpch = no
daemons_fd_limit = 40000
istore_standalone = 0
lda_support_haproxy = 1
lda_junk_rules = X-Spam-Flag=YES
exmdb_client_rpc_timeout = 0
autoreply_silence_window = 1 day
bounce_postmaster = postmaster@
mysql_object_cache_lifetime = 5min
http_basic_auth_cred_caching = 30s
reported_server_version = 15.01.2507.0000
backfill_transport_headers = off
ruleproc_debug = 0
softpurge_purgetime = 14days
midb_listen = [::1]:5555
`

const realMySQLCfg = `mysql_host = db.example.com
mysql_port = 3307
mysql_username = grommunio
mysql_password = s3cr:t@/x?y&z
mysql_dbname = grommunio
connection_num = 16
mysql_rdwr_timeout = 30s
schema_upgrade = host:mail.example.com
enable_firsttimepw = yes
mysql_tls_cert =
mysql_tls_key =
`

func TestLoadEtcGromox(t *testing.T) {
	dir := etcGromox(t, map[string]string{
		"gromox.cfg":        realGromoxCfg,
		"mysql_adaptor.cfg": realMySQLCfg,
		"http.cfg":          "listen_port = 80\n",
		"autodiscover.ini":  "[exchange]\norganization = X\n",
	})
	var warns []Warning
	s, err := Load(dir, func(w Warning) { warns = append(warns, w) })
	if err != nil {
		t.Fatal(err)
	}
	if len(warns) != 0 {
		t.Errorf("upstream configuration gave warnings: %v", warns)
	}
	if s.ConfigDir != dir || !reflect.DeepEqual(s.ConfigPath, SearchPath{dir}) {
		t.Errorf("ConfigDir %q ConfigPath %q", s.ConfigDir, s.ConfigPath)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"DataDir", s.DataDir, "/var/lib/gromox"},
		{"HostID", s.HostID, "mail.example.com"},
		{"DirectoryBackend", s.DirectoryBackend, DirectoryMySQL},
		{"SQLitePath", s.SQLitePath, "/var/lib/gromox/userdb.sqlite3"},
		{"AdminListen", s.AdminListen, "127.0.0.1:9411"},
		{"LogLevel", s.LogLevel, 4},
		{"LogFile", s.LogFile, "-"},
		{"ShutdownTimeout", s.ShutdownTimeout, 30 * time.Second},
		{"AuthFailDelay", s.AuthFailDelay, 2500 * time.Millisecond},
		{"AuthBackend", s.AuthBackend, "ldap"},
		{"UserFilter", s.UserFilter, UserFilter{
			ICase: true, MaxBans: 1000, MaxUsers: 1024, RLMaxTries: 20, RLWindow: 2 * time.Minute,
			AuthTimes: 10, HostTimes: 30, BlockInterval: time.Minute,
		}},
		{"ObjectCacheLifetime", s.ObjectCacheLifetime, 5 * time.Minute},
		{"CredCacheLifetime", s.CredCacheLifetime, 30 * time.Second},
		{"MySQL", s.MySQL, MySQL{
			Host: "db.example.com", Port: 3307, User: "grommunio", Password: "s3cr:t@/x?y&z",
			DBName: "grommunio", ConnNum: 16, RdwrTimeout: 30 * time.Second, PoolIdleTimeout: time.Minute,
			SchemaUpgrade: "host:mail.example.com", EnableFirstTimePW: true,
		}},
		{"Listen.HTTP", s.Listen.HTTP, []string{"[::]:80"}},
		{"Listen.IMAP", s.Listen.IMAP, []string{"[::]:143", "[::]:1143"}},
		{"Listen.LMTPTLS", s.Listen.LMTPTLS, []string{"[::]:465"}},
		{"softpurge_purgetime", s.Files["gromox.cfg"].Duration("softpurge_purgetime"), 14 * day},
		{"lda_accept_haproxy via alias", s.Files["gromox.cfg"].Size("lda_accept_haproxy"), uint64(1)},
		{"x500_org_name", s.Files["gromox.cfg"].String("x500_org_name"), "Example Org"},
		{"mysql_adaptor.cfg path", s.Files["mysql_adaptor.cfg"].Path, filepath.Join(dir, "mysql_adaptor.cfg")},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %#v, want %#v", c.name, c.got, c.want)
		}
	}
	if !s.MySQL.SchemaUpgradeBy("mail.example.com") || s.MySQL.SchemaUpgradeBy("other") {
		t.Error("SchemaUpgradeBy")
	}
}

func TestLoadEmptyDir(t *testing.T) {
	dir := t.TempDir()
	s, err := Load(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	host, _ := os.Hostname()
	if s.HostID != host || s.DirectoryBackend != DirectoryMySQL || s.DataDir != "/var/lib/gromox" ||
		s.MySQL.Host != "localhost" || s.MySQL.Port != 3306 || s.MySQL.User != "root" ||
		s.MySQL.DBName != "email" || s.MySQL.ConnNum != 8 || s.MySQL.SchemaUpgrade != "" ||
		s.AuthBackend != "ldap" || s.AuthFailDelay != time.Second ||
		s.UserFilter.RLWindow != time.Minute || s.ObjectCacheLifetime != time.Minute ||
		s.CredCacheLifetime != time.Minute || !s.UserFilter.ICase {
		t.Errorf("defaults: %+v", s)
	}
	if s.Files["gromox.cfg"].Path != "" {
		t.Errorf("no gromox.cfg, but Path %q", s.Files["gromox.cfg"].Path)
	}
	if _, err := Load(filepath.Join(dir, "nonexistent"), nil); err == nil {
		t.Error("Load of a missing directory succeeded")
	}
}

func TestLoadOurKeys(t *testing.T) {
	dir := etcGromox(t, map[string]string{"gromox.cfg": `
data_path = var
user_directory = SQLite
user_directory_sqlite = db/users.sqlite3
log_file = log/gromox.log
log_level = 9
admin_listen =
shutdown_timeout = 1min 30s
auth_times = 5
auth_host_times = 50
block_interval_auths = 10min
`})
	var warns []Warning
	s, err := Load(dir, func(w Warning) { warns = append(warns, w) })
	if err != nil {
		t.Fatal(err)
	}
	cwd, _ := os.Getwd()
	data := filepath.Join(cwd, "var")
	if s.DataDir != data || s.DirectoryBackend != DirectorySQLite ||
		s.SQLitePath != filepath.Join(data, "db/users.sqlite3") ||
		s.LogFile != filepath.Join(data, "log/gromox.log") || s.LogLevel != 6 ||
		s.AdminListen != "" || s.ShutdownTimeout != 90*time.Second ||
		s.UserFilter.AuthTimes != 5 || s.UserFilter.HostTimes != 50 || s.UserFilter.BlockInterval != 10*time.Minute {
		t.Errorf("settings: %+v", s)
	}
	if len(warns) != 1 || warns[0].Key != "log_level" || warns[0].Line != 6 {
		t.Errorf("warnings: %v", warns)
	}
	// An absolute user_directory_sqlite is kept.
	dir = etcGromox(t, map[string]string{"gromox.cfg": "user_directory_sqlite = /srv/u.db\n"})
	if s, err = Load(dir, nil); err != nil || s.SQLitePath != "/srv/u.db" {
		t.Errorf("absolute sqlite path: %v %v", s, err)
	}
}

func TestLoadErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		file  string
		line  int
		key   string
	}{
		{"bad duration", map[string]string{"gromox.cfg": "host_id=a\nauth_fail_delay = 1\n"}, "gromox.cfg", 2, "auth_fail_delay"},
		{"bad size", map[string]string{"mysql_adaptor.cfg": "mysql_host=h\n\nconnection_num = many\n"}, "mysql_adaptor.cfg", 3, "connection_num"},
		{"user_directory", map[string]string{"gromox.cfg": "user_directory = ldap\n"}, "gromox.cfg", 1, "user_directory"},
		{"port", map[string]string{"mysql_adaptor.cfg": "mysql_port = 70000\n"}, "mysql_adaptor.cfg", 1, "mysql_port"},
		{"user with colon", map[string]string{"mysql_adaptor.cfg": "mysql_username = a:b\n"}, "mysql_adaptor.cfg", 1, "mysql_username"},
		{"zero connections", map[string]string{"mysql_adaptor.cfg": "connection_num = 0\n"}, "mysql_adaptor.cfg", 1, "connection_num"},
		{"auth backend", map[string]string{"gromox.cfg": "auth_backend_selection = kerberos\n"}, "gromox.cfg", 1, "auth_backend_selection"},
		{"admin_listen", map[string]string{"gromox.cfg": "admin_listen = 9411\n"}, "gromox.cfg", 1, "admin_listen"},
		{"id107", map[string]string{"mysql_adaptor.cfg": "mysql_password_mode_id107 = KLUv/SAEIQAAcGFzcw==\n"}, "mysql_adaptor.cfg", 1, "mysql_password_mode_id107"},
		{"id555", map[string]string{"mysql_adaptor.cfg": "mysql_password_mode_id555 = bm90IGl0\n"}, "mysql_adaptor.cfg", 1, "mysql_password_mode_id555"},
		{"huge count", map[string]string{"gromox.cfg": "auth_times = 1T\n"}, "gromox.cfg", 1, "auth_times"},
	} {
		dir := etcGromox(t, tc.files)
		_, err := Load(dir, nil)
		var ce *Error
		if !errors.As(err, &ce) {
			t.Errorf("%s: %v is not an *Error", tc.name, err)
			continue
		}
		if ce.File != filepath.Join(dir, tc.file) || ce.Line != tc.line || ce.Key != tc.key {
			t.Errorf("%s: got %q (%+v)", tc.name, err, ce)
		}
	}
}

func TestAuthBackendFallback(t *testing.T) {
	dir := etcGromox(t, map[string]string{"authmgr.cfg": "auth_backend_selection = allow_all\n"})
	s, err := Load(dir, nil)
	if err != nil || s.AuthBackend != "allow_all" {
		t.Errorf("authmgr.cfg fallback: %v, %v", s, err)
	}
	dir = etcGromox(t, map[string]string{
		"authmgr.cfg": "auth_backend_selection = allow_all\n",
		"gromox.cfg":  "auth_backend_selection = pam\n",
	})
	if s, err = Load(dir, nil); err != nil || s.AuthBackend != "pam" {
		t.Errorf("gromox.cfg first: %v, %v", s, err)
	}
	for in, want := range map[string]string{"always_mysql": "ldap", "always_ldap": "ldap", "externid": "ldap", "deny_all": "deny_all"} {
		dir = etcGromox(t, map[string]string{"gromox.cfg": "auth_backend_selection = " + in + "\n"})
		if s, err = Load(dir, nil); err != nil || s.AuthBackend != want {
			t.Errorf("%s: %v, %v", in, s, err)
		}
	}
}

func TestLoadSearchPath(t *testing.T) {
	root := etcGromox(t, map[string]string{
		"gromox.cfg":             "host_id = shared\n",
		"mysql_adaptor.cfg":      "mysql_dbname = shared\n",
		"http/mysql_adaptor.cfg": "mysql_dbname = http\n",
		"alt/mysql_adaptor.cfg":  "mysql_dbname = alt\n",
	})
	s, err := LoadPath(SearchPath{filepath.Join(root, "http"), root}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.HostID != "shared" || s.MySQL.DBName != "http" || s.ConfigDir != root {
		t.Errorf("per-program directory first: %q %q %q", s.HostID, s.MySQL.DBName, s.ConfigDir)
	}
	// gromox.cfg's config_file_path redirects the other files.
	write(t, filepath.Join(root, "gromox.cfg"), "config_file_path = "+filepath.Join(root, "alt")+":"+root+"\n")
	if s, err = Load(root, nil); err != nil || s.MySQL.DBName != "alt" {
		t.Errorf("config_file_path: %v, %v", s, err)
	}
}

func TestDSN(t *testing.T) {
	for _, m := range []MySQL{
		{Host: "db.example.com", Port: 3307, User: "grommunio", Password: "s3cr:t@/x?y&z(", DBName: "grommunio"},
		{Host: "::1", Port: 3306, User: "root", DBName: "e/mail?x", RdwrTimeout: 30 * time.Second},
		{Host: "", Port: 3306, User: "u@host", Password: "p", DBName: "email"},
		{Host: "localhost", Port: 3306, User: "root", Password: "))(@@::", DBName: "email"},
	} {
		dsn := m.DSN()
		cfg, err := mysql.ParseDSN(dsn)
		if err != nil {
			t.Errorf("%s: %v", dsn, err)
			continue
		}
		host := m.Host
		if host == "" {
			host = "localhost"
		}
		wantAddr := host + ":3306"
		if strings.Contains(host, ":") {
			wantAddr = "[" + host + "]:3306"
		}
		if m.Port == 3307 {
			wantAddr = host + ":3307"
		}
		if cfg.User != m.User || cfg.Passwd != m.Password || cfg.DBName != m.DBName ||
			cfg.Net != "tcp" || cfg.Addr != wantAddr || !cfg.ParseTime ||
			cfg.Timeout != m.ConnectTimeout() || cfg.ReadTimeout != m.RdwrTimeout || cfg.WriteTimeout != m.RdwrTimeout {
			t.Errorf("%s: parsed back as %+v", dsn, cfg)
		}
		if cs, ok := cfg.Params["charset"]; ok && cs != "utf8mb4" {
			t.Errorf("%s: charset %q", dsn, cs)
		}
	}
	if got := (MySQL{Host: "h", Port: 1, User: "u", Password: "p", DBName: "d"}).DSN(); got != "u:p@tcp(h:1)/d?parseTime=true&charset=utf8mb4&timeout=20s" {
		t.Errorf("DSN() = %q", got)
	}
}

// sssObfuscate is the inverse of sssDeobfuscate, for tests.
func sssObfuscate(t *testing.T, pw string, key, iv []byte) string {
	pad := aes.BlockSize - len(pw)%aes.BlockSize
	pt := append([]byte(pw), bytes.Repeat([]byte{byte(pad)}, pad)...)
	blk, err := aes.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	ct := make([]byte, len(pt))
	cipher.NewCBCEncrypter(blk, iv).CryptBlocks(ct, pt)
	x := binary.LittleEndian.AppendUint16(nil, 0)
	x = binary.LittleEndian.AppendUint16(x, uint16(len(ct)))
	x = append(x, key...)
	x = append(x, iv...)
	x = append(x, ct...)
	x = append(x, 0, 1, 2, 3)
	return base64.StdEncoding.EncodeToString(x)
}

func TestPasswordModeID555(t *testing.T) {
	key := bytes.Repeat([]byte{7}, 32)
	iv := bytes.Repeat([]byte{9}, 16)
	for _, pw := range []string{"secret", "exactly16bytes!!", "", "ünïcødé"} {
		enc := sssObfuscate(t, pw, key, iv)
		got, err := sssDeobfuscate(enc)
		if err != nil || got != pw {
			t.Errorf("%q: %q, %v", pw, got, err)
		}
	}
	dir := etcGromox(t, map[string]string{"mysql_adaptor.cfg": "mysql_password = wrong\nmysql_password_mode_id555 = " + sssObfuscate(t, "right", key, iv) + "\n"})
	s, err := Load(dir, nil)
	if err != nil || s.MySQL.Password != "right" {
		t.Errorf("Load with id555: %v, %v", s, err)
	}
}

func TestCheck(t *testing.T) {
	dir := etcGromox(t, map[string]string{
		"gromox.cfg":        realGromoxCfg + "made_up_key = 1\nauth_fail_delay = soon\nlog_level = 0\n",
		"mysql_adaptor.cfg": "mysql_port = 3306\nconnection_num = -4\nmysql_typo = x\n",
		"http.cfg":          "listen_port = 80\n",
		"imap.cfg":          "imap_auth_times = 3\nimap_typo = 1\n",
		"delivery.cfg":      "work_threads_max = 5\n",
		"http/gromox.cfg":   "ignored = 1\n", // per-program directories are not scanned
		// The per-service files we read are no files "not read".
		"exmdb_provider.cfg":  "exmdb_file_compression = no\ncache_interval = 5min\nlisten_port = 5000\n",
		"smtp.cfg":            "smtp_max_mail_num = 10\n",
		"exchange_emsmdb.cfg": "emsmdb_max_cxh_per_user = 50\n",
	})
	warns, err := Check(dir)
	var ws []string
	for _, w := range warns {
		ws = append(ws, w.String())
	}
	want := []string{
		filepath.Join(dir, "gromox.cfg") + ":30: made_up_key: unknown key (ignored)",
		filepath.Join(dir, "gromox.cfg") + ":32: log_level: 0 is below the minimum 1; using 1",
		filepath.Join(dir, "mysql_adaptor.cfg") + ":3: mysql_typo: unknown key (ignored)",
		filepath.Join(dir, "imap.cfg") + ":2: imap_typo: unknown key (ignored)",
		filepath.Join(dir, "delivery.cfg") + ": not read by this server; its directives have no effect",
	}
	if !reflect.DeepEqual(ws, want) {
		t.Errorf("warnings:\n got %q\nwant %q", ws, want)
	}
	var errs []string
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			var ce *Error
			if !errors.As(e, &ce) {
				t.Errorf("%v is not an *Error", e)
			}
			errs = append(errs, ce.Key)
		}
	}
	if !reflect.DeepEqual(errs, []string{"auth_fail_delay", "connection_num"}) {
		t.Errorf("errors: %v (%v)", errs, err)
	}

	// A clean directory has nothing to say.
	dir = etcGromox(t, map[string]string{"gromox.cfg": realGromoxCfg, "mysql_adaptor.cfg": realMySQLCfg})
	if warns, err := Check(dir); len(warns) != 0 || err != nil {
		t.Errorf("clean directory: %v, %v", warns, err)
	}
	// Semantic errors are found too.
	dir = etcGromox(t, map[string]string{"mysql_adaptor.cfg": "mysql_port = 0\n"})
	if _, err := Check(dir); err == nil || !strings.Contains(err.Error(), "mysql_port") {
		t.Errorf("port 0: %v", err)
	}
}

func TestEmbedded(t *testing.T) {
	dir := t.TempDir()
	s := Embedded(dir)
	host, _ := os.Hostname()
	checks := []struct {
		name      string
		got, want any
	}{
		{"ConfigDir", s.ConfigDir, ""},
		{"DataDir", s.DataDir, dir},
		{"HostID", s.HostID, host},
		{"DirectoryBackend", s.DirectoryBackend, DirectorySQLite},
		{"SQLitePath", s.SQLitePath, filepath.Join(dir, "userdb.sqlite3")},
		{"AdminListen", s.AdminListen, "127.0.0.1:9411"},
		{"LogLevel", s.LogLevel, 4},
		{"LogFile", s.LogFile, "-"},
		{"ShutdownTimeout", s.ShutdownTimeout, 30 * time.Second},
		{"AuthBackend", s.AuthBackend, "ldap"},
		{"Listen", s.Listen, Listeners{
			HTTP: []string{"127.0.0.1:8080"}, IMAP: []string{"127.0.0.1:1143"},
			POP3: []string{"127.0.0.1:1110"}, LMTP: []string{"127.0.0.1:2424"},
		}},
		{"MySQL.Port", s.MySQL.Port, 3306},
		{"UserFilter.AuthTimes", s.UserFilter.AuthTimes, 10},
		{"UserFilter.HostTimes", s.UserFilter.HostTimes, 30},
		{"outgoing_smtp_url", s.Files["gromox.cfg"].String("outgoing_smtp_url"), "sendmail://localhost"},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %#v, want %#v", c.name, c.got, c.want)
		}
	}
	// Every listener is on loopback.
	for _, l := range [][]string{s.Listen.HTTP, s.Listen.HTTPTLS, s.Listen.IMAP, s.Listen.IMAPTLS,
		s.Listen.POP3, s.Listen.POP3TLS, s.Listen.LMTP, s.Listen.LMTPTLS, {s.AdminListen}} {
		for _, a := range l {
			if !strings.HasPrefix(a, "127.0.0.1:") {
				t.Errorf("%s is not on loopback", a)
			}
		}
	}
	if rel := Embedded("var"); !filepath.IsAbs(rel.DataDir) || filepath.Base(rel.DataDir) != "var" {
		t.Errorf("Embedded(var).DataDir = %q", rel.DataDir)
	}
}

// The embedded instance's optional gromox.cfg overrides its defaults.
func TestEmbeddedLoadOverlay(t *testing.T) {
	dir := t.TempDir()
	s, err := EmbeddedLoad(dir, nil)
	if err != nil || s.AdminListen != "127.0.0.1:9411" || s.DirectoryBackend != DirectorySQLite {
		t.Fatalf("defaults: %+v, %v", s, err)
	}
	os.WriteFile(filepath.Join(dir, EmbeddedFile), []byte("admin_listen = 127.0.0.1:0\nlog_level = 6\nbogus = 1\n"), 0o644)
	var warns []Warning
	s, err = EmbeddedLoad(dir, func(w Warning) { warns = append(warns, w) })
	if err != nil {
		t.Fatal(err)
	}
	if s.AdminListen != "127.0.0.1:0" || s.LogLevel != 6 || s.SQLitePath != filepath.Join(dir, "userdb.sqlite3") {
		t.Fatalf("overlay not applied: %+v", s)
	}
	if len(warns) != 1 || warns[0].Key != "bogus" || warns[0].File != filepath.Join(dir, EmbeddedFile) {
		t.Fatalf("warnings: %v", warns)
	}
	os.WriteFile(filepath.Join(dir, EmbeddedFile), []byte("# x\nshutdown_timeout = soon\n"), 0o644)
	_, err = EmbeddedLoad(dir, nil)
	var ce *Error
	if !errors.As(err, &ce) || ce.Line != 2 || ce.Key != "shutdown_timeout" {
		t.Fatalf("bad overlay value: %v", err)
	}
}

func TestProtocolTLS(t *testing.T) {
	dir := etcGromox(t, map[string]string{
		"gromox.cfg": realGromoxCfg,
		"imap.cfg":   "imap_support_tls = yes\nimap_certificate_path = /nonexistent/cert.pem\nimap_private_key_path = /nonexistent/key.pem\n",
		"pop3.cfg":   "pop3_support_tls = yes\n",
	})
	s, err := Load(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.ProtocolTLS("http"); err != nil || got.Config != nil {
		t.Errorf("http without TLS: %+v, %v", got, err)
	}
	if _, err := s.ProtocolTLS("imap"); err == nil || !strings.Contains(err.Error(), "imap_certificate_path") {
		t.Errorf("imap with a missing certificate: %v", err)
	}
	if _, err := s.ProtocolTLS("pop3"); err == nil || !strings.Contains(err.Error(), "pop3_certificate_path or pop3_private_key_path is empty") {
		t.Errorf("pop3 without paths: %v", err)
	}
	if s.Files["imap.cfg"].Duration("imap_autologout_time") != 30*time.Minute {
		t.Errorf("imap_autologout_time default: %v", s.Files["imap.cfg"].Duration("imap_autologout_time"))
	}
}

// exchange_emsmdb.cfg is read beside gromox.cfg: its session-context limit
// per user, upstream's default when the file is absent.
func TestEMSMDBConfig(t *testing.T) {
	dir := etcGromox(t, map[string]string{"gromox.cfg": realGromoxCfg})
	s, err := Load(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := s.Files["exchange_emsmdb.cfg"].Size("emsmdb_max_cxh_per_user"); n != 100 {
		t.Errorf("default emsmdb_max_cxh_per_user %d, want 100", n)
	}
	dir = etcGromox(t, map[string]string{"gromox.cfg": realGromoxCfg, "exchange_emsmdb.cfg": "emsmdb_max_cxh_per_user = 500\n"})
	if s, err = Load(dir, nil); err != nil {
		t.Fatal(err)
	}
	if n := s.Files["exchange_emsmdb.cfg"].Size("emsmdb_max_cxh_per_user"); n != 500 {
		t.Errorf("emsmdb_max_cxh_per_user %d, want 500", n)
	}
}
