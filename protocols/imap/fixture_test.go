package imap

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/gromox-go/gromox/protocols/prototest"
)

// fixtureManifest is the part of the upstream fixture's manifest.json
// that IMAP shows.
type fixtureManifest struct {
	IMAPFolders []struct {
		IMAPName    string `json:"imap_name"`
		Attributes  string `json:"list_attributes"`
		Messages    int    `json:"messages"`
		Unseen      int    `json:"unseen"`
		UIDNext     int    `json:"uidnext"`
		UIDValidity int    `json:"uidvalidity"`
	} `json:"imap_folders"`
	Messages []struct {
		Folder       string   `json:"folder"`
		UID          int      `json:"imap_uid"`
		Flags        []string `json:"imap_flags"`
		InternalDate string   `json:"internaldate"`
		Size         int      `json:"rfc822_size"`
		MessageID    string   `json:"message_id_header"`
	} `json:"messages"`
}

// TestUpstreamFixture serves a copy of the store upstream Gromox 3.10
// wrote and checks that IMAP shows what upstream showed: the folders with
// their names on the wire, counts, UIDVALIDITY and UIDNEXT, and per
// message the UID (taken over from upstream's midb.sqlite3), the flags,
// the internal date, the size and the bytes.
func TestUpstreamFixture(t *testing.T) {
	fx := prototest.FixtureDir(t)
	var man fixtureManifest
	b, err := os.ReadFile(filepath.Join(fx, "fixture-store", "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &man); err != nil {
		t.Fatal(err)
	}
	e := &env{Env: prototest.New(t)}
	e.maildir = e.AddUser(t, "fixture@example.org", "secret", prototest.CopyTree(t, filepath.Join(fx, "fixture-store")))
	e.srv = New(Config{Timeout: 20 * time.Second}, e.Sys, e.Spawner, e.Auth, e.Stores, e.Log)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go e.srv.Serve(ln)
	e.addr = ln.Addr().String()
	c := e.dial(t)
	c.ok("LOGIN fixture@example.org secret")

	list := c.ok(`LIST "" "*"`)
	var names []string
	for _, f := range man.IMAPFolders {
		names = append(names, f.IMAPName)
		quoted := fmt.Sprintf("%q", f.IMAPName)
		if f.IMAPName == "INBOX" {
			quoted = "INBOX"
		}
		has(t, list, fmt.Sprintf(`* LIST (%s%s) "/" %s`, f.Attributes, specialUseOf(f.IMAPName), quoted))
		st := c.ok(fmt.Sprintf(`STATUS %q (MESSAGES UNSEEN UIDNEXT UIDVALIDITY)`, f.IMAPName))
		has(t, st, fmt.Sprintf(`* STATUS %s (MESSAGES %d UIDNEXT %d UIDVALIDITY %d UNSEEN %d)`, quoted, f.Messages, f.UIDNext, f.UIDValidity, f.Unseen))
	}
	if len(list) != len(man.IMAPFolders) {
		t.Errorf("LIST shows %d folders, upstream %d:\n%q\n%q", len(list), len(man.IMAPFolders), list, names)
	}
	wire := map[string]string{}
	for _, f := range man.IMAPFolders {
		wire[decodeFolderName(t, f.IMAPName)] = f.IMAPName
	}
	byFolder := map[string][]int{}
	for i, m := range man.Messages {
		byFolder[m.Folder] = append(byFolder[m.Folder], i)
	}
	var folders []string
	for f := range byFolder {
		folders = append(folders, f)
	}
	sort.Strings(folders)
	for _, f := range folders {
		name, ok := wire[f]
		if !ok {
			t.Fatalf("manifest folder %q not among the IMAP folders", f)
		}
		c.ok(fmt.Sprintf("EXAMINE %q", name))
		for _, i := range byFolder[f] {
			m := man.Messages[i]
			u := c.ok(fmt.Sprintf("UID FETCH %d (FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)] BODY.PEEK[])", m.UID))
			if len(u) != 1 {
				t.Errorf("%s UID %d: %q", f, m.UID, u)
				continue
			}
			flags := strings.Join(m.Flags, " ")
			want := fmt.Sprintf("FETCH (UID %d FLAGS (%s) INTERNALDATE ", m.UID, flags)
			if !strings.Contains(sortFlags(u[0]), sortFlags(want)) {
				t.Errorf("%s UID %d:\n got %.200q\nwant %q", f, m.UID, u[0], want)
			}
			if !strings.Contains(u[0], fmt.Sprintf(" RFC822.SIZE %d ", m.Size)) {
				t.Errorf("%s UID %d: size is not %d: %.200q", f, m.UID, m.Size, u[0])
			}
			// INTERNALDATE: ours is the delivery time the store keeps
			// (midb's received column); upstream 3.10 showed the date of
			// the Received: header its LMTP added, which can be a second
			// earlier.
			if got, err := time.Parse(`"02-Jan-2006 15:04:05 -0700"`, between(u[0], "INTERNALDATE ", " RFC822.SIZE")); err != nil {
				t.Errorf("%s UID %d: INTERNALDATE: %v", f, m.UID, err)
			} else if up, _ := time.Parse("02-Jan-2006 15:04:05 -0700", m.InternalDate); got.Sub(up).Abs() > 2*time.Second {
				t.Errorf("%s UID %d: INTERNALDATE %v, upstream %v", f, m.UID, got, up)
			}
			if !strings.Contains(u[0], "Message-ID: "+m.MessageID) && !strings.Contains(u[0], "Message-Id: "+m.MessageID) {
				t.Errorf("%s UID %d: not message %s: %.300q", f, m.UID, m.MessageID, u[0])
			}
			if i := strings.Index(u[0], fmt.Sprintf("BODY[] {%d}\r\n", m.Size)); i < 0 {
				t.Errorf("%s UID %d: BODY[] is not %d octets: %.300q", f, m.UID, m.Size, u[0])
			}
		}
	}
}

// specialUseOf is the special-use attribute upstream does not list but we
// do (RFC 6154) for the manifest's folders.
func specialUseOf(name string) string {
	switch name {
	case "Sent Items":
		return ` \Sent`
	case "Deleted Items":
		return ` \Trash`
	case "Drafts":
		return ` \Drafts`
	case "Junk Email":
		return ` \Junk`
	}
	return ""
}

// sortFlags puts the flags inside FLAGS (...) in order, so that the
// comparison does not depend on the order a server lists them in.
func sortFlags(s string) string {
	i := strings.Index(s, "FLAGS (")
	if i < 0 {
		return s
	}
	j := strings.IndexByte(s[i+7:], ')')
	if j < 0 {
		return s
	}
	fl := strings.Fields(s[i+7 : i+7+j])
	sort.Strings(fl)
	return s[:i+7] + strings.Join(fl, " ") + s[i+7+j:]
}

// decodeFolderName decodes a modified UTF-7 mailbox name (RFC 3501
// 5.1.3), as the manifest's folder paths are decoded.
func decodeFolderName(t *testing.T, s string) string {
	t.Helper()
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '&' {
			b.WriteByte(s[i])
			continue
		}
		j := strings.IndexByte(s[i:], '-')
		if j < 0 {
			t.Fatalf("bad modified UTF-7 %q", s)
		}
		enc := s[i+1 : i+j]
		i += j
		if enc == "" {
			b.WriteByte('&')
			continue
		}
		raw, err := base64Mod(enc)
		if err != nil {
			t.Fatalf("bad modified UTF-7 %q: %v", s, err)
		}
		var units []uint16
		for k := 0; k+1 < len(raw); k += 2 {
			units = append(units, uint16(raw[k])<<8|uint16(raw[k+1]))
		}
		b.WriteString(string(utf16Decode(units)))
	}
	return b.String()
}

func base64Mod(s string) ([]byte, error) {
	s = strings.ReplaceAll(s, ",", "/")
	for len(s)%4 != 0 {
		s += "="
	}
	return base64.StdEncoding.DecodeString(s)
}

func utf16Decode(u []uint16) []rune { return utf16.Decode(u) }

func between(s, from, to string) string {
	_, rest, _ := strings.Cut(s, from)
	v, _, _ := strings.Cut(rest, to)
	return v
}
