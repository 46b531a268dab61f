package mailbox

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func newOOFStore(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "user")
	if err := CreatePrivate(dir, PrivateParams{UserID: 7, Language: "en"}); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestOOFMissingFilesAreOff(t *testing.T) {
	dir := newOOFStore(t)
	o, err := ReadOOF(dir)
	if err != nil {
		t.Fatal(err)
	}
	if o.State != OOFOff || o.Active(time.Now()) || o.InternalBody != "" {
		t.Fatalf("fresh store: %+v", o)
	}
}

func TestOOFRoundTrip(t *testing.T) {
	dir := newOOFStore(t)
	start := time.Unix(1_800_000_000, 0)
	in := OOFSettings{
		State: OOFScheduled, Start: start, End: start.Add(48 * time.Hour),
		AllowExternal: true, ExternalKnownOnly: true,
		InternalSubject: "Weg – bis Montag", InternalBody: "<p>Back Monday</p>",
		ExternalSubject: "Away", ExternalBody: "<p>Away</p>",
	}
	if err := WriteOOF(dir, in); err != nil {
		t.Fatal(err)
	}
	out, err := ReadOOF(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !out.Start.Equal(in.Start) || !out.End.Equal(in.End) {
		t.Fatalf("times: got %v..%v", out.Start, out.End)
	}
	out.Start, out.End, in.Start, in.End = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	if out != in {
		t.Fatalf("round trip:\n got %+v\nwant %+v", out, in)
	}
	cfg, _ := os.ReadFile(filepath.Join(dir, "config", "autoreply.cfg"))
	for _, want := range []string{"OOF_STATE = 2", "START_TIME = 1800000000", "ALLOW_EXTERNAL_OOF = 1", "EXTERNAL_AUDIENCE = 1"} {
		if !strings.Contains(string(cfg), want) {
			t.Errorf("autoreply.cfg lacks %q:\n%s", want, cfg)
		}
	}
}

// Files as upstream's autoreply_setprop writes them (and as grommunio-web
// or an admin leaves them) read the same.
func TestOOFReadsUpstreamFiles(t *testing.T) {
	dir := newOOFStore(t)
	c := filepath.Join(dir, "config")
	os.WriteFile(filepath.Join(c, "autoreply.cfg"), []byte("oof_state = 1\nallow_external_oof = true\nOTHER_KEY = kept\n"), 0o666)
	os.WriteFile(filepath.Join(c, "internal-reply"),
		[]byte("Content-Type: text/html;\r\n\tcharset=\"utf-8\"\r\nSubject: =?utf-8?q?Abwesend_=E2=80=93_Urlaub?=\r\n\r\n<p>Bin weg</p>"), 0o666)
	o, err := ReadOOF(dir)
	if err != nil {
		t.Fatal(err)
	}
	if o.State != OOFOn || !o.AllowExternal || o.ExternalKnownOnly {
		t.Fatalf("settings: %+v", o)
	}
	if o.InternalSubject != "Abwesend – Urlaub" || o.InternalBody != "<p>Bin weg</p>" {
		t.Fatalf("internal reply: %q %q", o.InternalSubject, o.InternalBody)
	}
	if err := WriteOOF(dir, o); err != nil {
		t.Fatal(err)
	}
	cfg, _ := os.ReadFile(filepath.Join(c, "autoreply.cfg"))
	if !strings.Contains(string(cfg), "OTHER_KEY = kept") {
		t.Fatalf("unknown key lost:\n%s", cfg)
	}
}

func TestOOFActiveWindow(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	cases := []struct {
		o    OOFSettings
		want bool
	}{
		{OOFSettings{State: OOFOff}, false},
		{OOFSettings{State: OOFOn}, true},
		{OOFSettings{State: OOFScheduled, Start: now.Add(-time.Hour), End: now.Add(time.Hour)}, true},
		{OOFSettings{State: OOFScheduled, Start: now.Add(time.Hour), End: now.Add(2 * time.Hour)}, false},
		{OOFSettings{State: OOFScheduled, Start: now.Add(-2 * time.Hour), End: now}, false}, // end exclusive
		{OOFSettings{State: OOFScheduled}, false},
	}
	for i, c := range cases {
		if got := c.o.Active(now); got != c.want {
			t.Errorf("case %d: Active = %v, want %v", i, got, c.want)
		}
	}
}

func TestClaimAutoReply(t *testing.T) {
	dir := newOOFStore(t)
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	now := time.Unix(1_800_000_000, 0)
	claim := func(peer string, at time.Time, window time.Duration) AutoReplyClaim {
		t.Helper()
		tx, err := s.Begin(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		r, err := ClaimAutoReply{Peer: peer, Window: window, Now: at}.Write(tx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		return r.(AutoReplyClaim)
	}
	day := 24 * time.Hour
	if c := claim("Bob@Example.net", now, day); !c.Granted || !c.Prev.IsZero() {
		t.Fatalf("first claim: %+v", c)
	}
	if c := claim("bob@example.net", now.Add(time.Hour), day); c.Granted {
		t.Fatal("second reply inside the window granted")
	}
	if c := claim("carol@example.net", now.Add(time.Hour), day); !c.Granted {
		t.Fatal("other peer refused")
	}
	c := claim("bob@example.net", now.Add(day), day)
	if !c.Granted || !c.Prev.Equal(now) {
		t.Fatalf("claim after the window: %+v", c)
	}
	// Undo restores the previous time: inside its window again.
	tx, _ := s.Begin(context.Background())
	if _, err := (UndoAutoReply{Peer: "bob@example.net", Prev: c.Prev}).Write(tx); err != nil {
		t.Fatal(err)
	}
	last, ok, err := tx.AutoReplyLast("BOB@example.net")
	if err != nil || !ok || !last.Equal(now) {
		t.Fatalf("after undo: %v %v %v", last, ok, err)
	}
	tx.Commit()
	// Window 0: no limit.
	if c := claim("bob@example.net", now.Add(day+time.Second), 0); !c.Granted {
		t.Fatal("window 0 refused")
	}
}
