package oxcmail

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gromox-go/gromox/mapi"
)

var plainAddr = regexp.MustCompile(`^[A-Za-z0-9._+-]+@[A-Za-z0-9.-]+$`)

// FuzzImport checks that no input panics (importMessage is called without
// Import's recover guard), that conversion is deterministic, and that a
// message rebuilt from the output (subject, To addresses, plain body)
// converts back to the same values.
func FuzzImport(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(fixtureDir, "corpus/*.eml"))
	tricky, _ := filepath.Glob(filepath.Join("..", "..", "tests", "clients", "tricky", "*.eml"))
	for _, file := range append(files, tricky...) {
		if b, err := os.ReadFile(file); err == nil && len(b) < 64<<10 {
			f.Add(b)
		}
	}
	for _, s := range []string{
		"Subject: x\r\n\r\nbody",
		"Content-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\n\r\nx\r\n--a--",
		"Content-Type: message/rfc822\r\n\r\nContent-Type: message/rfc822\r\n\r\nx",
		"To: =?utf-8?q?=00?= <a@b>\r\nContent-Disposition: attachment; filename*0*=x'y'%ZZ\r\n\r\n",
		"Content-Type: text/plain; charset=iso-2022-jp\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!",
	} {
		f.Add([]byte(s))
	}
	opt := ImportOptions{Now: func() time.Time { return fixedNow }, MaxDepth: 8}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if len(raw) == 0 {
			return
		}
		m := importMessage(raw, opt)
		if m2 := importMessage(raw, opt); !reflect.DeepEqual(m, m2) {
			t.Fatal("conversion is not deterministic")
		}
		subj, _ := Get(m.Props, mapi.PrSubject).(string)
		body, _ := Get(m.Props, mapi.PrBody).(string)
		var to []string
		for _, r := range m.Recipients {
			if a, _ := Get(r, mapi.PrSMTPAddress).(string); Get(r, mapi.PrRecipientType) == recipTo && plainAddr.MatchString(a) {
				to = append(to, a)
			}
		}
		var b strings.Builder
		if subj != "" {
			b.WriteString("Subject: =?utf-8?b?" + base64.StdEncoding.EncodeToString([]byte(subj)) + "?=\r\n")
		}
		if len(to) > 0 {
			b.WriteString("To: " + strings.Join(to, ", ") + "\r\n")
		}
		b.WriteString("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n")
		b.WriteString(base64.StdEncoding.EncodeToString([]byte(body)) + "\r\n")
		back := importMessage([]byte(b.String()), opt)
		if got, _ := Get(back.Props, mapi.PrSubject).(string); got != subj {
			t.Fatalf("subject %q came back as %q", subj, got)
		}
		if got, _ := Get(back.Props, mapi.PrBody).(string); got != body {
			t.Fatalf("body %q came back as %q", body, got)
		}
		if len(back.Recipients) != len(to) {
			t.Fatalf("recipients %q came back as %d", to, len(back.Recipients))
		}
		for i, a := range to {
			if got := Get(back.Recipients[i], mapi.PrSMTPAddress); got != a {
				t.Fatalf("recipient %q came back as %q", a, got)
			}
		}
	})
}
