package tests

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/gromox-go/gromox/protocols/prototest"
)

// clientCheck is one of the scripted checks in clients/: the program it
// needs, how to run it, and what else must hold for it to run.
type clientCheck struct {
	name    string
	program string   // looked up in PATH; the check is skipped without it
	args    []string // the script and its arguments
	usable  func() error
	env     []string // more environment for the script
}

var clientChecks = []clientCheck{
	{name: "imaplib", program: "python3", args: []string{"clients/imaplib_check.py"}},
	{name: "imaplib-starttls", program: "python3", args: []string{"clients/imaplib_check.py"}, env: []string{"IMAP_STARTTLS=1"}},
	{name: "curl", program: "curl", args: []string{"clients/curl_check.sh"}, usable: curlProtocols},
	{name: "mbsync", program: "mbsync", args: []string{"clients/mbsync_check.sh"}, usable: needPython},
	{name: "offlineimap", program: "offlineimap", args: []string{"clients/offlineimap_check.sh"}, usable: needPython},
	{name: "fetchmail", program: "fetchmail", args: []string{"clients/fetchmail_check.sh"}, usable: needPython},
}

// curlProtocols: the curl found must speak imap and pop3 (some builds
// leave them out), and the check reads a file with python3.
func curlProtocols() error {
	out, err := exec.Command("curl", "--version").Output()
	if err != nil {
		return err
	}
	for _, l := range strings.Split(string(out), "\n") {
		if p, ok := strings.CutPrefix(l, "Protocols:"); ok {
			f := strings.Fields(p)
			if !slices.Contains(f, "imap") || !slices.Contains(f, "pop3") {
				return errors.New("this curl has no imap or pop3 support: " + strings.TrimSpace(p))
			}
		}
	}
	return needPython()
}

// needPython: the mbsync, offlineimap and fetchmail checks change and read
// the server's side with python3's imaplib (and poplib, smtplib).
func needPython() error {
	_, err := exec.LookPath("python3")
	return err
}

// TestIMAPClients runs the clients people use against the real server:
// Python's imaplib (LOGIN, LIST, SELECT, FETCH, STORE, SEARCH, CREATE,
// COPY, APPEND, EXPUNGE), curl (imap:// and pop3://), mbsync (a two-way
// sync of the INBOX with a Maildir, then a sync that changes nothing),
// OfflineIMAP (the same for every folder, with non-ASCII folder names both
// ways) and fetchmail (collecting over IMAP and POP3, with UIDL). Each
// client has a user of its own whose INBOX holds clients/messages/*.eml,
// delivered over LMTP; the scripts compare what they read with those files
// byte for byte. A client that is not installed is skipped; so is the whole
// test while the server has no IMAP listener.
func TestIMAPClients(t *testing.T) {
	dataDir := t.TempDir()
	os.WriteFile(filepath.Join(dataDir, "gromox.cfg"), []byte("admin_listen = 127.0.0.1:0\nlda_listen = 127.0.0.1:0\n"+
		"pop3_listen = 127.0.0.1:0\nimap_listen = 127.0.0.1:0\nimap_listen_tls = 127.0.0.1:0\nhttp_listen = 127.0.0.1:0\n"), 0o644)
	// STARTTLS offered (not forced) with a self-signed certificate.
	cert, key := selfSignedPEM(t)
	certPath, keyPath := filepath.Join(dataDir, "imap.crt"), filepath.Join(dataDir, "imap.key")
	os.WriteFile(certPath, cert, 0o644)
	os.WriteFile(keyPath, key, 0o600)
	os.WriteFile(filepath.Join(dataDir, "imap.cfg"), []byte("imap_support_tls = yes\nimap_certificate_path = "+certPath+
		"\nimap_private_key_path = "+keyPath+"\n"), 0o644)
	srv := startServer(t, "--data-dir", dataDir)
	addr := map[string]string{}
	for _, l := range srv.stdout {
		// The plain listener comes first, the implicit-TLS one after it
		// under the same name.
		if f := strings.Fields(l); len(f) == 3 && f[0] == "listening:" && addr[f[1]] == "" {
			addr[f[1]] = f[2]
		}
	}
	if addr["imap"] == "" {
		t.Skipf("the server has no IMAP listener yet (no \"listening: imap\" line in %q)", srv.stdout)
	}
	if addr["lmtp"] == "" || addr["pop3"] == "" {
		t.Fatalf("no lmtp or pop3 listener in %q", srv.stdout)
	}

	const password = "clients-Pa55"
	var rcpts []string
	for _, c := range clientChecks {
		u := c.name + "@gromox.test"
		if out, errOut, code := gromox(t, dataDir, "", "user", "add", u, "--password", password); code != 0 {
			t.Fatalf("user add %s: %d %s %s", u, code, out, errOut)
		}
		rcpts = append(rcpts, u)
	}
	msgDir, err := filepath.Abs("clients/messages")
	if err != nil {
		t.Fatal(err)
	}
	deliverFiles(t, addr["lmtp"], rcpts, msgDir)

	for _, c := range clientChecks {
		t.Run(c.name, func(t *testing.T) {
			if _, err := exec.LookPath(c.program); err != nil {
				t.Skipf("%s is not installed (%v); .ci/run installs it", c.program, err)
			}
			if c.usable != nil {
				if err := c.usable(); err != nil {
					t.Skipf("%s cannot run: %v", c.name, err)
				}
			}
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, c.program, c.args...)
			if strings.HasSuffix(c.args[0], ".sh") {
				cmd = exec.CommandContext(ctx, "bash", c.args...)
			}
			cmd.Env = append(os.Environ(),
				"IMAP_ADDR="+addr["imap"], "POP3_ADDR="+addr["pop3"], "LMTP_ADDR="+addr["lmtp"],
				"IMAP_USER="+c.name+"@gromox.test", "IMAP_PASSWORD="+password,
				"EXPECT_DIR="+msgDir, "IMAP_DELIMITER=/")
			cmd.Env = append(cmd.Env, c.env...)
			runScript(t, cmd, c.name+" check", "FAIL: ")
		})
	}
}

// TestAgainstDovecot runs clients/against-dovecot.sh: the client checks
// against Debian's Dovecot (they pass there too, so that a failure
// against ours is ours), then the comparison of our answers with
// Dovecot's (compare_check.sh), where every difference must be one
// clients/compare-dovecot.expected lists with its reason. It needs root
// (Dovecot switches to its mail user) and Dovecot's imap, pop3 and lmtp
// services, which .ci/run installs; without them it is skipped. A client
// that is not installed is left out.
func TestAgainstDovecot(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: Dovecot switches to its mail user")
	}
	for _, p := range []string{"/usr/sbin/dovecot", "/usr/lib/dovecot/imap", "/usr/lib/dovecot/pop3", "/usr/lib/dovecot/lmtp"} {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("Dovecot is not installed (%v); .ci/run installs it", err)
		}
	}
	args := []string{"clients/against-dovecot.sh"}
	for _, c := range clientChecks {
		if c.env != nil {
			continue // variants of a check (STARTTLS): Dovecot runs without TLS
		}
		if _, err := exec.LookPath(c.program); err != nil {
			continue
		}
		if c.usable != nil && c.usable() != nil {
			continue
		}
		args = append(args, c.name)
	}
	args = append(args, "compare")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", args...)
	cmd.Env = append(os.Environ(), "GROMOX="+gromoxBin)
	runScript(t, cmd, "against Dovecot", "FAIL: ", "DIFF: ", "GONE: ")
}

// runScript runs a check script: its output is logged when it fails (or
// with -v), and a failure names its lines that start with one of marks.
func runScript(t *testing.T, cmd *exec.Cmd, what string, marks ...string) {
	t.Helper()
	out, err := cmd.CombinedOutput()
	if testing.Verbose() || err != nil {
		t.Logf("%s:\n%s", strings.Join(cmd.Args, " "), out)
	}
	if err == nil {
		return
	}
	var fails []string
	for _, l := range strings.Split(string(out), "\n") {
		for _, m := range marks {
			if strings.HasPrefix(l, m) {
				fails = append(fails, l)
				break
			}
		}
	}
	t.Fatalf("%s failed (%v): %s", what, err, strings.Join(fails, "; "))
}

// deliverFiles hands dir's messages (1.eml, 2.eml, ... in that order) to
// every one of rcpts over LMTP, one transaction per message, and requires
// a 250 for each recipient.
func deliverFiles(t *testing.T, lmtpAddr string, rcpts []string, dir string) {
	t.Helper()
	for i := 1; ; i++ {
		msg, err := os.ReadFile(filepath.Join(dir, strconv.Itoa(i)+".eml"))
		if errors.Is(err, os.ErrNotExist) {
			if i == 1 {
				t.Fatalf("no messages in %s", dir)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		conn, err := net.DialTimeout("tcp", lmtpAddr, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		c := smtp.NewClientLMTP(conn)
		if err := c.Hello("clients.test"); err != nil {
			t.Fatal(err)
		}
		if err := c.Mail("sender@example.org", nil); err != nil {
			t.Fatal(err)
		}
		for _, r := range rcpts {
			if err := c.Rcpt(r, nil); err != nil {
				t.Fatalf("RCPT %s: %v", r, err)
			}
		}
		w, err := c.Data()
		if err != nil {
			t.Fatal(err)
		}
		w.Write(msg)
		resp, err := w.CloseWithLMTPResponse()
		if err != nil {
			t.Fatalf("delivering %d.eml: %v", i, err)
		}
		for _, r := range rcpts {
			if resp[r] == nil {
				t.Fatalf("delivering %d.eml: no 250 for %s (%v)", i, r, resp)
			}
		}
		c.Quit()
	}
}

// selfSignedPEM is a self-signed certificate for localhost and its key, in
// PEM, as an operator's files would be.
func selfSignedPEM(t *testing.T) (cert, key []byte) {
	t.Helper()
	c, _ := prototest.SelfSigned(t, "localhost")
	der, err := x509.MarshalPKCS8PrivateKey(c.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Certificate[0]}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}
