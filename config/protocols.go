package config

import (
	"crypto/tls"
	"fmt"
	"strings"
)

// The per-protocol files upstream's daemons read (doc/imap.8gx, pop3.8gx,
// http.8gx and the programs' default tables). Listener addresses come from
// gromox.cfg (*_listen); these files carry each protocol's limits and TLS
// settings.

// imapCfg is imap.cfg.
var imapCfg = Table{File: "imap.cfg", Directives: []Directive{
	{Key: "block_interval_auths", Default: "1min", Type: Seconds, Min: "1s"},
	{Key: "context_average_mem", Default: "128K", Type: Size},
	{Key: "context_average_mitem", Default: "64K", Type: Size},
	{Key: "context_max_mem", Default: "2M", Type: Size},
	{Key: "context_num", Default: "400", Type: Size},
	{Key: "default_lang", Default: "en"},
	{Key: "enable_rfc2971_commands", Default: "no", Type: Bool},
	{Key: "imap_auth_times", Default: "10", Type: Size},
	{Key: "imap_autologout_time", Default: "30min", Type: Seconds, Min: "1s"},
	{Key: "imap_certificate_passwd", Default: ""},
	{Key: "imap_certificate_path", Default: ""},
	{Key: "imap_cmd_debug", Default: "0", Type: Int},
	{Key: "imap_conn_timeout", Default: "3min", Type: Seconds, Min: "1s"},
	{Key: "imap_expunge_on_delete", Default: "no", Type: Bool},
	{Key: "imap_force_tls", Default: "no", Type: Bool},
	{Key: "imap_log_file", Default: "-"},
	{Key: "imap_log_level", Default: "4", Type: Int},
	{Key: "imap_private_key_path", Default: ""},
	{Key: "imap_rfc9051", Default: "yes", Type: Bool},
	{Key: "imap_support_tls", Default: "no", Type: Bool},
	{Key: "imap_thread_charge_num", Default: "20", Type: Size},
	{Key: "imap_thread_init_num", Default: "5", Type: Size},
	{Key: "listen_port", Default: "143", Type: Int},
	{Key: "listen_ssl_port", Default: "0", Type: Int},
	{Key: "running_identity", Default: "gromox"},
	{Key: "tls_min_proto", Default: "tls1.2"},
}}

// pop3Cfg is pop3.cfg.
var pop3Cfg = Table{File: "pop3.cfg", Directives: []Directive{
	{Key: "block_interval_auths", Default: "1min", Type: Seconds, Min: "1s"},
	{Key: "context_average_units", Default: "5000", Type: Size},
	{Key: "context_max_mem", Default: "2M", Type: Size},
	{Key: "context_num", Default: "400", Type: Size},
	{Key: "enable_capa_implementation", Default: "no", Type: Bool},
	{Key: "listen_port", Default: "110", Type: Int},
	{Key: "listen_ssl_port", Default: "0", Type: Int},
	{Key: "pop3_auth_times", Default: "3", Type: Size},
	{Key: "pop3_certificate_passwd", Default: ""},
	{Key: "pop3_certificate_path", Default: ""},
	{Key: "pop3_cmd_debug", Default: "0", Type: Int},
	{Key: "pop3_conn_timeout", Default: "3min", Type: Seconds, Min: "1s"},
	{Key: "pop3_force_tls", Default: "no", Type: Bool},
	{Key: "pop3_log_file", Default: "-"},
	{Key: "pop3_log_level", Default: "4", Type: Int},
	{Key: "pop3_private_key_path", Default: ""},
	{Key: "pop3_support_tls", Default: "no", Type: Bool},
	{Key: "pop3_thread_charge_num", Default: "20", Type: Size},
	{Key: "pop3_thread_init_num", Default: "5", Type: Size},
	{Key: "running_identity", Default: "gromox"},
	{Key: "tls_min_proto", Default: "tls1.2"},
}}

// httpCfg is http.cfg.
var httpCfg = Table{File: "http.cfg", Directives: []Directive{
	{Key: "block_interval_auths", Default: "1min", Type: Seconds, Min: "1s"},
	{Key: "context_average_mem", Default: "256K", Type: Size},
	{Key: "context_num", Default: "400", Type: Size},
	{Key: "fastcgi_exec_timeout", Default: "10min", Type: Seconds},
	{Key: "gss_program", Default: "internal-gss"},
	{Key: "http_auth_basic", Default: "yes", Type: Bool},
	{Key: "http_auth_spnego", Default: "no", Type: Bool},
	{Key: "http_auth_times", Default: "10", Type: Size},
	{Key: "http_certificate_passwd", Default: ""},
	{Key: "http_certificate_path", Default: ""},
	{Key: "http_conn_timeout", Default: "3min", Type: Seconds, Min: "1s"},
	{Key: "http_debug", Default: "0", Type: Int},
	{Key: "http_krb_service_principal", Default: ""},
	{Key: "http_log_file", Default: "-"},
	{Key: "http_log_level", Default: "4", Type: Int},
	{Key: "http_private_key_path", Default: ""},
	{Key: "http_remote_host_hdr", Default: ""},
	{Key: "http_rqbody_flush_size", Default: "512K", Type: Size},
	{Key: "http_rqbody_max_size", Default: "50M", Type: Size},
	{Key: "http_support_tls", Default: "no", Type: Bool},
	{Key: "http_thread_charge_num", Default: "20", Type: Size},
	{Key: "http_thread_init_num", Default: "5", Type: Size},
	{Key: "listen_port", Default: "80", Type: Int},
	{Key: "listen_ssl_port", Default: "0", Type: Int},
	{Key: "msrpc_debug", Default: "0", Type: Int},
	{Key: "request_max_mem", Default: "4M", Type: Size},
	{Key: "running_identity", Default: "gromox"},
	{Key: "tls_min_proto", Default: "tls1.2"},
	{Key: "user_default_lang", Default: "en"},
}}

// smtpCfg is smtp.cfg, the file of upstream's delivery-queue (the
// LMTP/SMTP listener on lda_listen).
var smtpCfg = Table{File: "smtp.cfg", Directives: []Directive{
	{Key: "block_interval_auths", Default: "1min", Type: Seconds, Min: "1s"},
	{Key: "block_interval_session", Default: "1min", Type: Seconds, Min: "1s"},
	// command_protocol is lmtp, smtp or both (LHLO or EHLO/HELO, chosen
	// per connection by the client's greeting).
	{Key: "command_protocol", Default: "both"},
	{Key: "context_average_mem", Default: "256K", Type: Size},
	{Key: "context_max_mem", Default: "2M", Type: Size},
	{Key: "context_num", Default: "200", Type: Size},
	{Key: "lda_log_file", Default: "-"},
	{Key: "lda_log_level", Default: "4", Type: Int},
	{Key: "lda_thread_charge_num", Default: "40", Type: Size},
	{Key: "lda_thread_init_num", Default: "1", Type: Size},
	{Key: "listen_port", Default: "25", Type: Int},
	{Key: "listen_ssl_port", Default: "0", Type: Int},
	{Key: "mail_max_length", Default: "64M", Type: Size},
	{Key: "running_identity", Default: "gromox"},
	{Key: "smtp_certificate_passwd", Default: ""},
	{Key: "smtp_certificate_path", Default: ""},
	{Key: "smtp_conn_timeout", Default: "3min", Type: Seconds, Min: "1s"},
	{Key: "smtp_force_starttls", Default: "no", Type: Bool},
	{Key: "smtp_max_mail_num", Default: "100", Type: Size},
	{Key: "smtp_private_key_path", Default: ""},
	{Key: "smtp_support_pipeline", Default: "yes", Type: Bool},
	{Key: "smtp_support_starttls", Default: "no", Type: Bool},
	{Key: "tls_min_proto", Default: "tls1.2"},
}}

// emsmdbCfg is exchange_emsmdb.cfg, the file of upstream's MAPI mailbox
// endpoint (reference §12). Of its directives, emsmdb_max_cxh_per_user is
// ours too; the others are accepted, as upstream documents them, and have
// no effect here.
var emsmdbCfg = Table{File: "exchange_emsmdb.cfg", Directives: []Directive{
	{Key: "async_threads_num", Default: "4", Type: Size},
	{Key: "ems_max_active_notifh", Default: "0", Type: Size},
	{Key: "ems_max_active_sessions", Default: "0", Type: Size},
	{Key: "ems_max_active_users", Default: "0", Type: Size},
	{Key: "ems_max_pending_sesnotif", Default: "65536", Type: Size},
	{Key: "emsmdb_collapse_notif_storm", Default: "no", Type: Bool},
	// emsmdb_max_cxh_per_user: a user's session contexts (Connect) at
	// most; one more is refused.
	{Key: "emsmdb_max_cxh_per_user", Default: "100", Type: Size, Min: "1"},
	{Key: "emsmdb_max_obh_per_session", Default: "32768", Type: Size},
	{Key: "emsmdb_private_folder_softdelete", Default: "yes", Type: Bool},
	{Key: "emsmdb_rop_chaining", Default: "1", Type: Int},
	{Key: "mailbox_ping_interval", Default: "5min", Type: Seconds},
	{Key: "max_mail_length", Default: "64M", Type: Size},
	{Key: "max_rcpt_num", Default: "256", Type: Size},
}}

// protocolTables are the per-protocol and per-service files, read from
// config_file_path.
var protocolTables = []*Table{&imapCfg, &pop3Cfg, &httpCfg, &smtpCfg, &emsmdbCfg, &exmdbProviderCfg}

// TLS is a protocol's TLS setup from its file (imap.cfg, pop3.cfg,
// http.cfg): Config is nil when <proto>_support_tls is off; Force refuses
// logins before TLS (<proto>_force_tls).
type TLS struct {
	Config *tls.Config
	Force  bool
}

// ProtocolTLS loads the certificate and key that proto's file names
// ("imap", "pop3", "http" or "smtp"), when that file turns TLS on.
func (s *Settings) ProtocolTLS(proto string) (TLS, error) {
	v := s.Files[proto+".cfg"]
	support, force := proto+"_support_tls", proto+"_force_tls"
	if proto == "smtp" {
		support, force = "smtp_support_starttls", "smtp_force_starttls"
	}
	if v == nil || !v.Bool(support) {
		return TLS{}, nil
	}
	certPath, keyPath := v.String(proto+"_certificate_path"), v.String(proto+"_private_key_path")
	if certPath == "" || keyPath == "" {
		return TLS{}, v.Errorf(support, "TLS is on but %s_certificate_path or %s_private_key_path is empty", proto, proto)
	}
	cert, err := tls.LoadX509KeyPair(certPath, keyPath)
	if err != nil {
		return TLS{}, v.Errorf(proto+"_certificate_path", "%v", err)
	}
	minVer, err := parseTLSVersion(v.String("tls_min_proto"))
	if err != nil {
		return TLS{}, v.Errorf("tls_min_proto", "%v", err)
	}
	t := TLS{Config: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: minVer}}
	if proto != "http" {
		t.Force = v.Bool(force)
	}
	return t, nil
}

// parseTLSVersion reads upstream's tls_min_proto values (tls1.0 … tls1.3).
func parseTLSVersion(s string) (uint16, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "tls1.2":
		return tls.VersionTLS12, nil
	case "tls1.0":
		return tls.VersionTLS10, nil
	case "tls1.1":
		return tls.VersionTLS11, nil
	case "tls1.3":
		return tls.VersionTLS13, nil
	}
	return 0, fmt.Errorf("%q is not one of tls1.0, tls1.1, tls1.2, tls1.3", s)
}
