package imapmsg

import (
	"strings"
	"testing"
)

// TestRobustness runs the invariants of checkInvariants and every search
// accessor on large malformed inputs: huge lines, many fields and
// continuation lines, delimiter floods, nesting, NUL bytes.
func TestRobustness(t *testing.T) {
	cases := map[string]string{
		"boundary prefix lines": "Content-Type: multipart/mixed; boundary=b\n\n" + strings.Repeat("--bx\n", 200000),
		"delimiter flood":       "Content-Type: multipart/mixed; boundary=b\n\n" + strings.Repeat("--b\n", 200000),
		"nested messages":       strings.Repeat("Content-Type: message/rfc822\n"+strings.Repeat("X: y\n", 1000)+"\n", 200),
		"nested multiparts":     strings.Repeat("Content-Type: multipart/mixed; boundary=b\n\n--b\n", 200) + strings.Repeat("x\n", 100000),
		"huge lines":            "Subject: " + strings.Repeat("a", 5<<20) + "\n\n" + strings.Repeat("ü", 1<<20),
		"many fields":           strings.Repeat("Subject: x\n", 200000),
		"continuation lines":    "Subject: x\n" + strings.Repeat(" y\n", 200000),
		"dash boundary":         "Content-Type: multipart/mixed; boundary=-\n\n" + strings.Repeat("-", 1<<20),
		"NUL bytes":             "Subject: a\x00b\nContent-Type: multipart/mixed; boundary=\"\x00\"\n\n--\x00\n\x00\n\n\x00\n--\x00--\n",
		"no header, CR only":    strings.Repeat("\r", 1000) + "\n\r\n",
	}
	for name, s := range cases {
		t.Run(name, func(t *testing.T) {
			checkInvariants(t, []byte(s))
			m := Parse([]byte(s))
			m.TextContains("zz")
			m.Envelope()
		})
	}
	m := Parse([]byte(cases["NUL bytes"]))
	if !m.HeaderContains("subject", "a\x00b") || !m.BodyContains("\x00") {
		t.Error("NUL bytes not searchable")
	}
	if got := wireBS(m.BodyStructure(false), false); got != `(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 1 0) "mixed")` {
		t.Errorf("NUL boundary: %s", got)
	}
}
