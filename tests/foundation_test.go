// Package tests runs the real gromox binary and talks to it as users and
// operators do: the command line, the admin listener, signals.
package tests

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

var gromoxBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "gromox-e2e-")
	if err != nil {
		panic(err)
	}
	gromoxBin = filepath.Join(dir, "gromox")
	build := exec.Command("go", "build", "-o", gromoxBin, "../cmd/gromox")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building gromox:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// gromox runs one admin command against the embedded instance in dataDir.
func gromox(t *testing.T, dataDir, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	if !slices.Contains(args, "--data-dir") {
		args = append(args, "--data-dir", dataDir)
	}
	cmd := exec.Command(gromoxBin, args...)
	cmd.Env = append(os.Environ(), "GROMOX_CONFIG_DIR=")
	var o, e bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = strings.NewReader(stdin), &o, &e
	err := cmd.Run()
	code = cmd.ProcessState.ExitCode()
	if err != nil && code < 0 {
		t.Fatalf("gromox %v: %v", args, err)
	}
	return o.String(), e.String(), code
}

// server is a running `gromox serve`.
type server struct {
	cmd      *exec.Cmd
	lines    chan string
	admin    string
	user     string
	password string
	stdout   []string
}

// startServer runs `gromox serve` with args and reads its banner up to
// "ready" (listener lines, and the first user on a first start).
func startServer(t *testing.T, args ...string) *server {
	t.Helper()
	cmd := exec.Command(gromoxBin, append([]string{"serve"}, args...)...)
	cmd.Env = append(os.Environ(), "GROMOX_CONFIG_DIR=")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if testing.Verbose() {
		cmd.Stderr = os.Stderr
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, lines: make(chan string, 100)}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			s.lines <- sc.Text()
		}
		close(s.lines)
	}()
	listening := regexp.MustCompile(`^listening: (\S+)\s+(\S+)$`)
	deadline := time.After(30 * time.Second)
	for {
		select {
		case l, ok := <-s.lines:
			if !ok {
				t.Fatalf("server exited during start-up; output: %q", s.stdout)
			}
			s.stdout = append(s.stdout, l)
			if m := listening.FindStringSubmatch(l); m != nil && m[1] == "admin" {
				s.admin = m[2]
			}
			if v, ok := strings.CutPrefix(l, "first user: "); ok {
				s.user = v
			}
			if v, ok := strings.CutPrefix(l, "password:"); ok {
				s.password = strings.Fields(v)[0]
			}
			if l == "ready" {
				return s
			}
		case <-deadline:
			t.Fatalf("no banner after 30 s; output so far: %q", s.stdout)
		}
	}
}

// stop sends SIGTERM and waits for a clean exit.
func (s *server) stop(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("server exit after SIGTERM: %v", err)
		}
	case <-time.After(40 * time.Second):
		t.Fatal("server did not stop within 40 s of SIGTERM")
	}
	for l := range s.lines {
		s.stdout = append(s.stdout, l)
	}
	if last := s.stdout[len(s.stdout)-1]; last != "stopped" {
		t.Fatalf("last line after SIGTERM %q, want stopped", last)
	}
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestEmbeddedInstance is `make run` and the admin commands from the
// checkout: first start prints the listeners and a first user whose
// password logs in; admin commands act on the same instance; SIGTERM stops
// it in order; a second start keeps the same users.
func TestEmbeddedInstance(t *testing.T) {
	dataDir := t.TempDir()
	// Ports of our own, so the test runs beside a `make run`.
	os.WriteFile(filepath.Join(dataDir, "gromox.cfg"), []byte("admin_listen = 127.0.0.1:0\nlda_listen = 127.0.0.1:0\npop3_listen = 127.0.0.1:0\nimap_listen = 127.0.0.1:0\nhttp_listen = 127.0.0.1:0\nlog_level = 5\n"), 0o644)

	srv := startServer(t, "--data-dir", dataDir)
	if srv.user != "admin@gromox.test" || len(srv.password) < 12 {
		t.Fatalf("first user %q password %q; banner %q", srv.user, srv.password, srv.stdout)
	}
	if srv.admin == "" {
		t.Fatalf("no admin listener line in %q", srv.stdout)
	}

	out, _, code := gromox(t, dataDir, "", "user", "check", "admin@gromox.test", "--password", srv.password)
	if code != 0 || !strings.Contains(out, "login ok: admin@gromox.test") {
		t.Fatalf("user check with the printed password: %d %q", code, out)
	}
	_, errOut, code := gromox(t, dataDir, "", "user", "check", "ADMIN@gromox.test", "--password", "wrong")
	if code != 1 {
		t.Fatalf("wrong password: exit %d", code)
	}
	fail2ban := regexp.MustCompile(`rhost=\[(\S+)?\]\S* user=(\S+) .*(auth|login.*|logon) rejected:`)
	if m := fail2ban.FindStringSubmatch(errOut); m == nil || !strings.EqualFold(m[2], "admin@gromox.test") {
		t.Fatalf("no fail2ban line for the rejected login in %q", errOut)
	}

	// Admin commands on the same instance, while it runs.
	for _, args := range [][]string{
		{"domain", "add", "example.net", "--title", "Example"},
		{"user", "add", "bob@example.net", "--password", "s3cret", "--name", "Bob"},
		{"alias", "add", "bobby@example.net", "bob@example.net"},
	} {
		if out, errOut, code := gromox(t, dataDir, "", args...); code != 0 {
			t.Fatalf("gromox %v: %d %s %s", args, code, out, errOut)
		}
	}
	if out, _, code := gromox(t, dataDir, "", "user", "check", "Bobby@Example.NET", "--password", "s3cret"); code != 0 || !strings.Contains(out, "bob@example.net") {
		t.Fatalf("login by alias: %d %q", code, out)
	}
	if out, _, code := gromox(t, dataDir, "n3w-pass\n", "user", "passwd", "bob@example.net"); code != 0 {
		t.Fatalf("passwd from stdin: %d %q", code, out)
	}
	if _, _, code := gromox(t, dataDir, "", "user", "check", "bob@example.net", "--password", "s3cret"); code != 1 {
		t.Fatal("old password still accepted")
	}
	if _, _, code := gromox(t, dataDir, "n3w-pass\n", "user", "check", "bob@example.net"); code != 0 {
		t.Fatal("new password refused")
	}
	out, _, _ = gromox(t, dataDir, "", "user", "list")
	if !strings.Contains(out, "admin@gromox.test") || !strings.Contains(out, "bob@example.net") {
		t.Fatalf("user list: %q", out)
	}
	out, _, _ = gromox(t, dataDir, "", "domain", "list")
	if !strings.Contains(out, "gromox.test") || !strings.Contains(out, "example.net") {
		t.Fatalf("domain list: %q", out)
	}
	if _, _, code := gromox(t, dataDir, "", "user", "status", "bob@example.net", "1"); code != 0 {
		t.Fatal("status change failed")
	}
	if _, _, code := gromox(t, dataDir, "n3w-pass\n", "user", "check", "bob@example.net"); code != 1 {
		t.Fatal("suspended user logged in")
	}

	// The operator's view.
	code, body := httpGet(t, "http://"+srv.admin+"/healthz")
	if code != 200 || !strings.Contains(body, `"ok"`) {
		t.Fatalf("healthz: %d %s", code, body)
	}
	code, body = httpGet(t, "http://"+srv.admin+"/metrics")
	if code != 200 || !strings.Contains(body, "gromox_actor_message_seconds") && !strings.Contains(body, "go_goroutines") {
		t.Fatalf("metrics: %d", code)
	}
	code, _ = httpGet(t, "http://"+srv.admin+"/actors")
	if code != 200 {
		t.Fatalf("actors: %d", code)
	}

	// Store tools: through the running server, and offline.
	if out, errOut, code := gromox(t, dataDir, "", "mbop", "--data-dir", dataDir, "-u", "bob@example.net", "ping"); code != 0 {
		t.Fatalf("mbop ping via the server: %d %s %s", code, out, errOut)
	}
	if out, errOut, code := gromox(t, dataDir, "", "mbop", "--data-dir", dataDir, "-u", "bob@example.net", "recalc-sizes"); code != 0 {
		t.Fatalf("mbop recalc-sizes: %d %s %s", code, out, errOut)
	}
	srv.stop(t)
	bobDir := filepath.Join(dataDir, "user", "bob@example.net")
	if out, errOut, code := gromox(t, dataDir, "", "mbck", bobDir); code != 0 {
		t.Fatalf("mbck of a new store: %d %s %s", code, out, errOut)
	}
	if out, errOut, code := gromox(t, dataDir, "", "mbop", "--data-dir", dataDir, "-u", "bob@example.net", "ping"); code != 0 {
		t.Fatalf("mbop ping without a server: %d %s %s", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(dataDir, "domain", "example.net", "exmdb", "exchange.sqlite3")); err != nil {
		t.Fatalf("domain add made no public store: %v", err)
	}

	// A second start keeps the directory and prints no new first user.
	srv2 := startServer(t, "--data-dir", dataDir)
	if srv2.user != "" {
		t.Fatalf("second start created a first user again: %q", srv2.stdout)
	}
	if _, _, code := gromox(t, dataDir, "", "user", "check", "admin@gromox.test", "--password", srv.password); code != 0 {
		t.Fatal("first user lost across restart")
	}
	srv2.stop(t)
}

// TestConfigCheck validates an upstream-style configuration directory.
func TestConfigCheck(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "gromox.cfg"), []byte("# upstream style\nhost_id = mail.example.org\nuser_directory = sqlite\nno_such_key = 1\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "mysql_adaptor.cfg"), []byte("mysql_host = db.example.org\nmysql_port = 3307\n"), 0o644)
	cmd := exec.Command(gromoxBin, "config", "check", "--config-dir", dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("config check of a valid dir: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "no_such_key") {
		t.Fatalf("unknown key not warned about: %s", out)
	}
	os.WriteFile(filepath.Join(dir, "mysql_adaptor.cfg"), []byte("mysql_host = db\nmysql_port = many\n"), 0o644)
	out, err = exec.Command(gromoxBin, "config", "check", "--config-dir", dir).CombinedOutput()
	if err == nil {
		t.Fatalf("bad value accepted:\n%s", out)
	}
	if !strings.Contains(string(out), "mysql_adaptor.cfg:2") || !strings.Contains(string(out), "mysql_port") {
		t.Fatalf("error does not name file, line and key: %s", out)
	}
}
