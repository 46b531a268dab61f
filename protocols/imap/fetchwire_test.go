package imap

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/gromox-go/gromox/mailbox"
	"github.com/gromox-go/gromox/protocols/imap/imapmsg"
	"github.com/gromox-go/gromox/protocols/prototest"
)

// TestFetchWireLayout: go-imap's FetchResponseWriter has the fields the
// wire path uses (fetchwire.go). Should this fail after an upgrade of
// go-imap, FETCH still works (through go-imap's own encoding), only
// slower: findWireLayout needs to learn the new layout.
func TestFetchWireLayout(t *testing.T) {
	if !wireLayout.ok {
		t.Fatal("go-imap's FetchResponseWriter layout is not the one fetchwire.go knows: FETCH encodes every item anew")
	}
}

// wireSession serves FETCH on a fixed list of messages, writing ENVELOPE,
// BODY, BODYSTRUCTURE, UID, FLAGS and RFC822.SIZE through go-imap's
// writer, one response writer per message, or, with viaWire, as fetchOne
// does on the wire path, responses sharing response writers. Only what the
// test uses is implemented.
type wireSession struct {
	imapserver.Session
	msgs    []*imapmsg.Message
	viaWire bool
}

func (s *wireSession) Close() error            { return nil }
func (s *wireSession) Login(_, _ string) error { return nil }
func (s *wireSession) Unselect() error         { return nil }
func (s *wireSession) Poll(*imapserver.UpdateWriter, bool) error {
	return nil
}

func (s *wireSession) Select(string, *imap.SelectOptions) (*imap.SelectData, error) {
	return &imap.SelectData{NumMessages: uint32(len(s.msgs)), UIDValidity: 1, UIDNext: imap.UID(len(s.msgs) + 1)}, nil
}

func (s *wireSession) Fetch(w *imapserver.FetchWriter, _ imap.NumSet, o *imap.FetchOptions) error {
	if s.viaWire {
		return s.fetchWire(w, o)
	}
	for i, m := range s.msgs {
		rw := w.CreateMessage(uint32(i + 1))
		rw.WriteUID(imap.UID(i + 1))
		if o.Flags {
			rw.WriteFlags(toIMAPFlags(mailbox.IMAPFlags(i%128)&^mailbox.FlagRecent, nil))
		}
		if o.Envelope {
			rw.WriteEnvelope(m.Envelope())
		}
		if o.BodyStructure != nil {
			rw.WriteBodyStructure(m.BodyStructure(o.BodyStructure.Extended))
		}
		if o.RFC822Size {
			rw.WriteRFC822Size(int64(m.Size()))
		}
		if err := rw.Close(); err != nil {
			return err
		}
	}
	return nil
}

// fetchWire writes the responses as fetchOne does, in batches
// (fetchResponses).
func (s *wireSession) fetchWire(w *imapserver.FetchWriter, o *imap.FetchOptions) error {
	out := &fetchResponses{w: w}
	for i, m := range s.msgs {
		rw, wi := out.begin(uint32(i+1), true)
		if !wi.ok {
			out.end()
			return &imap.Error{Type: imap.StatusResponseTypeNo, Text: "no wire path"}
		}
		wi.uid(uint32(i + 1))
		if o.Flags && !wi.flags(mailbox.IMAPFlags(i%128), nil) {
			out.end()
			return &imap.Error{Type: imap.StatusResponseTypeNo, Text: "no FLAGS"}
		}
		if o.Envelope {
			wi.item("ENVELOPE", wireEnvelope(m).of(wi.utf8))
		}
		if o.BodyStructure != nil {
			body, bs := wireBodyStructure(m)
			if wi.body {
				wi.item("BODY", body.of(wi.utf8))
			}
			if wi.bodyStructure {
				wi.item("BODYSTRUCTURE", bs.of(wi.utf8))
			}
		}
		if o.RFC822Size {
			rw.WriteRFC822Size(int64(m.Size())) // go-imap's own item, amid ours
		}
	}
	return out.end()
}

// wireTestMessages are the fixture corpus and messages with what strings
// on the wire make hard: 8-bit text, quotes and backslashes, values that
// must be literals (CR, LF, NUL, over 4 KiB), nesting, groups.
func wireTestMessages(t *testing.T) []*imapmsg.Message {
	var msgs []*imapmsg.Message
	files, _ := filepath.Glob(filepath.Join(prototest.FixtureDir(t), "corpus", "*.eml"))
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, imapmsg.Parse(raw))
	}
	long := strings.Repeat("x", 5000)
	for _, raw := range []string{
		raw1, raw2, raw3,
		"From: \"Quote \\\"Q\\\" Back\\\\slash\" <q@example.org>\r\nTo: Grüße <g@example.org>, undisclosed:;, team: a@x.example, b@y.example;\r\n" +
			"Subject: Grüße aus Zürich \"quoted\" \\ back\r\nDate: Tue, 3 Jan 2023 10:00:00 +0100\r\nIn-Reply-To: <a@x> <b@y>\r\nMessage-ID: <m@x>\r\n" +
			"Content-Type: multipart/mixed; boundary=\"zz\"\r\nContent-Language: de, en\r\nContent-Location: http://x.example/a\r\n\r\n" +
			"--zz\r\nContent-Type: text/plain; charset=utf-8; format=flowed\r\nContent-Description: Beschreibung ä\r\nContent-ID: <cid@x>\r\n\r\nhallo\r\n" +
			"--zz\r\nContent-Type: application/octet-stream; name*=utf-8''a%0D%0Ab%00c.bin\r\nContent-Disposition: attachment; filename*=utf-8''%C3%A4%22%5C.bin; size=3\r\n" +
			"Content-Transfer-Encoding: BASE64\r\n\r\nAAAA\r\n" +
			"--zz\r\nContent-Type: text/plain; name=\"" + long + "\"\r\n\r\nlong\r\n" +
			"--zz\r\nContent-Type: message/rfc822\r\n\r\nFrom: Inner Ü <i@x.example>\r\nSubject: =?utf-8?q?inner?=\r\nContent-Type: multipart/alternative; boundary=yy\r\n\r\n" +
			"--yy\r\nContent-Type: text/plain\r\n\r\na\r\n--yy\r\nContent-Type: text/html\r\n\r\n<p>b</p>\r\n--yy--\r\n" +
			"--zz--\r\n",
		"Subject:\r\nFrom: <>\r\n\r\nno header values\r\n",
		"",
	} {
		msgs = append(msgs, imapmsg.Parse([]byte(raw)))
	}
	return msgs
}

// TestFetchWireSameBytes: FETCH responses written on the wire path, in
// shared response writers, are byte for byte those go-imap writes for the
// same data, on a connection without UTF-8 quoting and with it (ENABLE
// UTF8=ACCEPT).
func TestFetchWireSameBytes(t *testing.T) {
	msgs := wireTestMessages(t)
	// Enough of them for several shared writers, ended by count and by
	// size.
	for len(msgs) < 3*batchResponses {
		msgs = append(msgs, msgs...)
	}
	transcript := func(viaWire bool) []string {
		srv := imapserver.New(&imapserver.Options{
			NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
				return &wireSession{msgs: msgs, viaWire: viaWire}, nil, nil
			},
			Caps:         imap.CapSet{imap.CapIMAP4rev1: {}},
			InsecureAuth: true,
		})
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		go srv.Serve(ln)
		defer srv.Close()
		nc, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer nc.Close()
		c := greeted(t, nc)
		c.ok("LOGIN a b")
		c.ok("SELECT INBOX")
		var out []string
		for _, utf8 := range []bool{false, true} {
			if utf8 {
				c.ok("ENABLE UTF8=ACCEPT")
			}
			for _, items := range []string{"(UID FLAGS ENVELOPE)", "(BODYSTRUCTURE)", "(BODY)", "(BODY BODYSTRUCTURE)", "(BODYSTRUCTURE BODY ENVELOPE RFC822.SIZE)", "FULL"} {
				out = append(out, c.ok("FETCH 1:* "+items)...)
			}
		}
		return out
	}
	want, got := transcript(false), transcript(true)
	if len(got) != len(want) {
		t.Fatalf("%d responses on the wire path, %d through go-imap", len(got), len(want))
	}
	literals, utf8 := 0, 0
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("response %d differs:\n got %q\nwant %q", i, got[i], want[i])
		}
		if strings.Contains(want[i], "}\r\n") {
			literals++
		}
		if strings.Contains(want[i], `"Beschreibung ä"`) {
			utf8++
		}
	}
	if literals == 0 || utf8 == 0 {
		t.Errorf("the messages gave %d responses with literals and %d with quoted UTF-8: the test does not test them", literals, utf8)
	}
}
