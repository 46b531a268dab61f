package imapmsg

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	imap "github.com/emersion/go-imap/v2"
)

// fixtureDir is the upstream Gromox 3.10 fixture set, relative to this
// package (see /work/shared/fixtures/upstream-3.10/README.md).
const fixtureDir = "../../../../shared/fixtures/upstream-3.10"

func corpusFiles(t testing.TB) []string {
	files, _ := filepath.Glob(filepath.Join(fixtureDir, "corpus", "*.eml"))
	more, _ := filepath.Glob(filepath.Join(fixtureDir, "corpus", "appended", "*.eml"))
	files = append(files, more...)
	if len(files) == 0 {
		t.Skip("fixture corpus not found at " + fixtureDir)
	}
	return files
}

// TestCorpusInvariants parses every corpus message and checks what must hold
// for any message: sizes are the lengths of the sections, HEADER and TEXT
// make up the message, every part resolves.
func TestCorpusInvariants(t *testing.T) {
	for _, f := range corpusFiles(t) {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			checkInvariants(t, raw)
		})
	}
}

// TestCorpusMessages checks what a client sees of particular corpus
// messages.
func TestCorpusMessages(t *testing.T) {
	read := func(name string) *Message {
		raw, err := os.ReadFile(filepath.Join(fixtureDir, "corpus", name))
		if err != nil {
			t.Skip(err)
		}
		return Parse(raw)
	}
	// RFC 2231 continued, percent-encoded UTF-8 file name.
	m := read("13-rfc2231-filename.eml")
	att := m.BodyStructure(true).(*imap.BodyStructureMultiPart).Children[1].(*imap.BodyStructureSinglePart)
	const long = "Prüfbericht_Jahresabschluss_Größenordnung_Überprüfung_Ärztekammer_Straßenverkehr_2024_final_überarbeitet.txt"
	if att.Filename() != long || att.Params["name"] != long {
		t.Errorf("13: filename %q, name %q", att.Filename(), att.Params["name"])
	}
	if b, err := m.Binary([]int{2}, nil); err != nil || string(b) != "Bericht-Inhalt äöü\n" {
		t.Errorf("13: BINARY[2] = %q, %v", b, err)
	}

	// Forwarded message/rfc822: envelope, structure and lines of the inner one.
	m = read("14-rfc822-attachment.eml")
	fwd := m.BodyStructure(false).(*imap.BodyStructureMultiPart).Children[1].(*imap.BodyStructureSinglePart)
	if fwd.MessageRFC822 == nil || fwd.MessageRFC822.Envelope.Subject != "Original: budget question" ||
		fwd.MessageRFC822.Envelope.MessageID != "inner-fixture@inner.example" || fwd.MessageRFC822.NumLines != 8 {
		t.Errorf("14: message/rfc822 part %+v", fwd.MessageRFC822)
	}
	if got := string(m.Section(&imap.FetchItemBodySection{Part: []int{2, 1}})); got != "Is the budget approved?" {
		t.Errorf("14: BODY[2.1] = %q", got)
	}

	// Bare LF, no Date: sizes on the raw bytes, zero date.
	m = read("18-malformed-barelf-nodate.eml")
	if !m.SentDate().IsZero() || m.Envelope().Subject != "Malformed: bare LF and no Date" {
		t.Errorf("18: date %v, subject %q", m.SentDate(), m.Envelope().Subject)
	}
	if got := wireBS(m.BodyStructure(false), false); got != `("text" "plain" NIL NIL NIL "7bit" 81 3)` {
		t.Errorf("18: %s", got)
	}

	// The outer boundary is a prefix of the inner one: still two parts.
	m = read("26-nested-alt-attach.eml")
	want26 := `((("text" "plain" ("charset" "utf-8") NIL NIL "7bit" 13 0 NIL NIL NIL NIL)` +
		`("text" "html" ("charset" "utf-8") NIL NIL "7bit" 26 0 NIL NIL NIL NIL) "alternative" ("boundary" "nest-fixture-26-alt") NIL NIL NIL)` +
		`("text" "plain" ("charset" "iso-8859-1" "name" "=?iso-8859-1?Q?L=F6sung=2Etxt?=") NIL NIL "base64" 16 0 NIL ("attachment" ("filename" "=?iso-8859-1?Q?L=F6sung=2Etxt?=")) NIL NIL)` +
		` "mixed" ("boundary" "nest-fixture-26") NIL NIL NIL)`
	if got := wireBS(m.BodyStructure(true), true); got != want26 {
		t.Errorf("26:\n got %s\nwant %s", got, want26)
	}
	if b, err := m.Binary([]int{2}, nil); err != nil || string(b) != "L\xf6sungstext\n" {
		t.Errorf("26: BINARY[2] = %q, %v", b, err)
	}

	// Raw UTF-8 subject is passed through.
	m = read("24-raw-utf8-header.eml")
	if s := m.Envelope().Subject; s != "Raw 8-bit Überschrift ☃" {
		t.Errorf("24: subject %q", s)
	}

	// Search across charsets.
	for name, word := range map[string]string{
		"03-latin1.eml":          "rückmeldung",
		"04-windows-1252.eml":    "€",
		"05-iso-2022-jp.eml":     "議事録",
		"06-koi8-r.eml":          "ОТЧЁТ",
		"27-big5-or-gb.eml":      "中文",
		"20-qp-long-lines.eml":   "",
		"02-utf8.eml":            "GRÖẞE",
		"12-att-2mib.eml":        "a 2 mib attachment",
		"08-html-inline-cid.eml": "logo",
	} {
		m := read(name)
		if !m.TextContains(word) {
			t.Errorf("%s: TEXT %q not found", name, word)
		}
	}
}

// upstreamMessage is what the fixture manifest records per message.
type upstreamMessage struct {
	MessageID     string   `json:"message_id_header"`
	Size          int      `json:"rfc822_size"`
	BodyStructure string   `json:"imap_bodystructure"`
	Attachments   []string `json:"imap_attachment_names"`
}

// TestCorpusAgainstUpstream compares our BODYSTRUCTURE of the messages as
// upstream stored them (fixture-store/eml, with the Received lines its
// delivery added) with the one upstream's IMAP server sent, structurally:
// types, subtypes, parameters, sizes, line counts, dispositions, file
// names. Where they differ, upstream is wrong; knownUpstreamBugs lists each
// difference with the reason.
func TestCorpusAgainstUpstream(t *testing.T) {
	mf, err := os.ReadFile(filepath.Join(fixtureDir, "fixture-store", "manifest.json"))
	if err != nil {
		t.Skip(err)
	}
	var manifest struct {
		Messages []upstreamMessage `json:"messages"`
	}
	if err := json.Unmarshal(mf, &manifest); err != nil {
		t.Fatal(err)
	}
	byID := map[string]upstreamMessage{}
	for _, m := range manifest.Messages {
		byID[strings.Trim(m.MessageID, "<>")] = m
	}
	files, _ := filepath.Glob(filepath.Join(fixtureDir, "fixture-store", "eml", "*", "*"))
	got := map[string][]string{}
	seen := 0
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m := Parse(raw)
		id := m.Envelope().MessageID
		up, ok := byID[id]
		if !ok {
			t.Errorf("%s: Message-ID %q not in the manifest", f, id)
			continue
		}
		seen++
		if m.Size() != up.Size {
			t.Errorf("%s: size %d, upstream RFC822.SIZE %d", id, m.Size(), up.Size)
		}
		checkInvariants(t, raw)
		upBS, err := parseUpstreamBodyStructure(up.BodyStructure)
		if err != nil {
			t.Errorf("%s: %v", id, err)
			continue
		}
		var diffs []string
		compareBS(&diffs, "", upBS, m.BodyStructure(true))
		if len(diffs) > 0 {
			got[id] = diffs
		}
		var names []string
		m.BodyStructure(true).Walk(func(path []int, bs imap.BodyStructure) bool {
			if sp, ok := bs.(*imap.BodyStructureSinglePart); ok && sp.Filename() != "" {
				names = append(names, sp.Filename())
			}
			return true
		})
		if id != "fixture-26-2013df0529@corpus.example" && !slices.Equal(names, nonNil(up.Attachments)) {
			t.Errorf("%s: attachment names %q, upstream %q", id, names, up.Attachments)
		}
	}
	if seen != len(manifest.Messages) {
		t.Errorf("compared %d messages, the manifest has %d", seen, len(manifest.Messages))
	}
	for id, want := range knownUpstreamBugs {
		if !slices.Equal(got[id], want) {
			t.Errorf("%s: differences from upstream\n got %q\nwant %q", id, got[id], want)
		}
	}
	for id, diffs := range got {
		if os.Getenv("IMAPMSG_DUMP") != "" {
			fmt.Printf("%q: {\n", id)
			for _, d := range diffs {
				fmt.Printf("\t%q,\n", d)
			}
			fmt.Printf("},\n")
		}
		if _, ok := knownUpstreamBugs[id]; !ok {
			t.Errorf("%s: unexpected differences from upstream %q", id, diffs)
		}
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// knownUpstreamBugs lists, per Message-ID, every way upstream Gromox 3.10's
// BODYSTRUCTURE differs from ours on the same stored bytes. Each is an
// upstream bug:
//
//   - "param boundary" (every multipart), "param micalg/protocol"
//     (multipart/signed), "param type" (multipart/related): upstream sends
//     NIL as the multipart body parameters (RFC 9051 7.5.2 body-ext-mpart:
//     body-fld-param is the Content-Type parameters, boundary included).
//   - "3 multipart extension members": upstream sends params, disposition,
//     language and leaves out body-fld-loc.
//   - "disposition param filename": upstream sends ("attachment" NIL),
//     dropping the Content-Disposition parameters.
//   - "description": upstream drops Content-Description.
//   - "param method" (text/calendar): upstream keeps only charset and name.
//   - "UTF-8 labelled us-ascii": upstream decodes a file name (RFC 2231 in 13,
//     an ISO-8859-1 encoded-word in 26) and sends it as an RFC 2047
//     encoded-word labelled us-ascii that holds UTF-8 bytes, a charset lie.
//     We send the RFC 2231 value decoded to UTF-8, and an encoded-word as it
//     is in the header.
//   - message/rfc822 (14): upstream leaves out body-fld-lines after the nested
//     body structure (required by body-type-msg) and all extension data.
//   - 23 (empty body): the body is one empty line (CRLF, 2 octets, 1 line),
//     which RFC822.SIZE counts; upstream reports 0 octets, 0 lines.
//   - 26: the corpus message has an outer boundary "nest-fixture-26" that is
//     a prefix of the inner "nest-fixture-26-alt". Upstream took
//     "--nest-fixture-26-alt" lines as outer delimiters (RFC 2046 5.1.1 allows
//     only white space after the boundary) and stored a rewritten message in
//     which the multipart/alternative is empty and its pieces are parts of
//     the outer multipart. On those stored bytes it reports the empty
//     multipart/alternative as a single part of type "multipart" (not valid
//     BODYSTRUCTURE grammar); we report it as text/plain of 0 octets.
//     TestCorpusMessages checks that the original corpus file parses into
//     the two parts it has.
var knownUpstreamBugs = map[string][]string{
	"fixture-07-38b91f816a@corpus.example": {
		"[] param boundary: upstream none, ours \"alt-fixture-7\"",
		"[] upstream 3 multipart extension members, RFC 9051 has 4",
	},
	"fixture-08-47ac60a5d2@corpus.example": {
		"[2] disposition param filename: upstream none, ours \"logo.png\"",
		"[] param boundary: upstream none, ours \"rel-fixture-8\"",
		"[] param type: upstream none, ours \"text/html\"",
		"[] upstream 3 multipart extension members, RFC 9051 has 4",
	},
	"fixture-10-95507fa94c@corpus.example": {
		"[2] disposition param filename: upstream none, ours \"contract.pdf\"",
		"[] param boundary: upstream none, ours \"mix-fixture-10\"",
		"[] upstream 3 multipart extension members, RFC 9051 has 4",
	},
	"fixture-11-251141640b@corpus.example": {
		"[2] disposition param filename: upstream none, ours \"project.zip\"",
		"[] param boundary: upstream none, ours \"mix-fixture-11\"",
		"[] upstream 3 multipart extension members, RFC 9051 has 4",
	},
	"fixture-12-2e98c39922@corpus.example": {
		"[2] disposition param filename: upstream none, ours \"large.bin\"",
		"[] param boundary: upstream none, ours \"mix-fixture-12\"",
		"[] upstream 3 multipart extension members, RFC 9051 has 4",
	},
	"fixture-13-2a6b362d93@corpus.example": {
		"[2] param name: upstream UTF-8 labelled us-ascii",
		"[2] disposition param filename: upstream none, ours \"Prüfbericht_Jahresabschluss_Größenordnung_Überprüfung_Ärztekammer_Straßenverkehr_2024_final_überarbeitet.txt\"",
		"[] param boundary: upstream none, ours \"mix-fixture-13\"",
		"[] upstream 3 multipart extension members, RFC 9051 has 4",
	},
	"fixture-14-bfdc273561@corpus.example": {
		"[2] message/rfc822 lines missing upstream, ours 8",
		"[2] upstream has no extension data",
		"[] param boundary: upstream none, ours \"fwd-fixture-14\"",
		"[] upstream 3 multipart extension members, RFC 9051 has 4",
	},
	"fixture-15-6f643f914c@corpus.example": {
		"[2] param method: upstream none, ours \"REQUEST\"",
		"[] param boundary: upstream none, ours \"cal-fixture-15\"",
		"[] upstream 3 multipart extension members, RFC 9051 has 4",
	},
	"fixture-16-023a33bcce@corpus.example": {
		"[2] description \"\", ours \"OpenPGP digital signature\"",
		"[2] disposition param filename: upstream none, ours \"signature.asc\"",
		"[] param boundary: upstream none, ours \"sig-fixture-16\"",
		"[] param micalg: upstream none, ours \"pgp-sha512\"",
		"[] param protocol: upstream none, ours \"application/pgp-signature\"",
		"[] upstream 3 multipart extension members, RFC 9051 has 4",
	},
	"fixture-21-bea631b589@corpus.example": {
		"[2] disposition param filename: upstream none, ours \"data.csv\"",
		"[3] disposition param filename: upstream none, ours \"tiny.gif\"",
		"[4] disposition param filename: upstream none, ours \"meta.json\"",
		"[] param boundary: upstream none, ours \"mix-fixture-21\"",
		"[] upstream 3 multipart extension members, RFC 9051 has 4",
	},
	"fixture-23-429ba48224@corpus.example": {
		"[] size 0, ours 2",
		"[] lines 0, ours 1",
	},
	"fixture-26-2013df0529@corpus.example": {
		"[1] type multipart/alternative, ours text/plain",
		"[1] param boundary: upstream none, ours \"nest-fixture-26-alt\"",
		"[1] lines , ours 0",
		"[5] param name: upstream UTF-8 labelled us-ascii",
		"[5] disposition param filename: upstream none, ours \"=?iso-8859-1?Q?L=F6sung=2Etxt?=\"",
		"[] param boundary: upstream none, ours \"nest-fixture-26\"",
		"[] upstream 3 multipart extension members, RFC 9051 has 4",
	},
}

// checkInvariants asserts what holds for every message: BODY[] is the raw
// message, HEADER and TEXT make it up, every part of the body structure
// resolves with its size, BINARY.SIZE agrees with BINARY.
func checkInvariants(t testing.TB, raw []byte) {
	t.Helper()
	for _, m := range []*Message{Parse(raw), ParseHeader(raw)} {
		if got := m.Section(&imap.FetchItemBodySection{}); !bytes.Equal(got, raw) {
			t.Fatalf("BODY[] is not the raw message")
		}
		h := m.Section(&imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader})
		x := m.Section(&imap.FetchItemBodySection{Specifier: imap.PartSpecifierText})
		if !bytes.Equal(append(slices.Clip(h), x...), raw) {
			t.Fatalf("HEADER + TEXT is not the message")
		}
		checkSizes(t, m)
		m.BodyStructure(true).Walk(func(path []int, bs imap.BodyStructure) bool {
			b, err := m.Binary(path, nil)
			n, err2 := m.BinarySize(path)
			if (err == nil) != (err2 == nil) || err == nil && int(n) != len(b) {
				t.Errorf("part %v: BINARY has %d octets (%v), BINARY.SIZE %d (%v)", path, len(b), err, n, err2)
			}
			return true
		})
	}
}

// sexp is an IMAP response value: a list, a string, NIL or an atom.
type sexp struct {
	list   []sexp
	isList bool
	str    string
	isNil  bool
}

func parseUpstreamBodyStructure(s string) (sexp, error) {
	// "(UID n BODYSTRUCTURE (...))"
	i := strings.Index(s, "BODYSTRUCTURE ")
	if i < 0 {
		return sexp{}, fmt.Errorf("no BODYSTRUCTURE in %q", s)
	}
	p := &sexpParser{s: strings.TrimSuffix(s[i+len("BODYSTRUCTURE "):], ")")}
	v, err := p.value()
	if err == nil && p.i != len(p.s) {
		err = fmt.Errorf("trailing %q", p.s[p.i:])
	}
	return v, err
}

type sexpParser struct {
	s string
	i int
}

func (p *sexpParser) value() (sexp, error) {
	for p.i < len(p.s) && p.s[p.i] == ' ' {
		p.i++
	}
	if p.i >= len(p.s) {
		return sexp{}, fmt.Errorf("unexpected end")
	}
	switch c := p.s[p.i]; {
	case c == '(':
		p.i++
		v := sexp{isList: true}
		for {
			for p.i < len(p.s) && p.s[p.i] == ' ' {
				p.i++
			}
			if p.i < len(p.s) && p.s[p.i] == ')' {
				p.i++
				return v, nil
			}
			e, err := p.value()
			if err != nil {
				return v, err
			}
			v.list = append(v.list, e)
		}
	case c == '"':
		p.i++
		var b strings.Builder
		for p.i < len(p.s) && p.s[p.i] != '"' {
			if p.s[p.i] == '\\' {
				p.i++
			}
			b.WriteByte(p.s[p.i])
			p.i++
		}
		p.i++
		return sexp{str: b.String()}, nil
	default:
		start := p.i
		for p.i < len(p.s) && p.s[p.i] != ' ' && p.s[p.i] != '(' && p.s[p.i] != ')' {
			p.i++
		}
		a := p.s[start:p.i]
		if a == "NIL" {
			return sexp{isNil: true}, nil
		}
		return sexp{str: a}, nil
	}
}

func (v sexp) params() map[string]string {
	if !v.isList {
		return nil
	}
	m := map[string]string{}
	for i := 0; i+1 < len(v.list); i += 2 {
		m[strings.ToLower(v.list[i].str)] = v.list[i+1].str
	}
	return m
}

func (v sexp) at(i int) sexp {
	if i < len(v.list) {
		return v.list[i]
	}
	return sexp{isNil: true, str: "<absent>"}
}

// upstreamValue decodes an upstream parameter value: an RFC 2047 encoded-word
// labelled us-ascii holding UTF-8 (how upstream sends RFC 2231 names) is
// taken as UTF-8.
func upstreamValue(v string) (string, bool) {
	if strings.HasPrefix(v, "=?us-ascii?b?") && strings.HasSuffix(v, "?=") {
		b, err := base64.StdEncoding.DecodeString(v[len("=?us-ascii?b?") : len(v)-2])
		if err == nil {
			return string(b), true
		}
	}
	return v, false
}

func compareParams(diffs *[]string, where string, up map[string]string, ours map[string]string) {
	keys := map[string]bool{}
	for k := range up {
		keys[k] = true
	}
	for k := range ours {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	slices.Sort(sorted)
	for _, k := range sorted {
		u, inUp := up[k]
		o, inOurs := ours[k]
		switch {
		case !inUp:
			*diffs = append(*diffs, fmt.Sprintf("%s param %s: upstream none, ours %q", where, k, o))
		case !inOurs:
			*diffs = append(*diffs, fmt.Sprintf("%s param %s: upstream %q, ours none", where, k, u))
		default:
			if dec, relabelled := upstreamValue(u); relabelled && (dec == o || dec == decodeHeaderValue(o)) {
				*diffs = append(*diffs, fmt.Sprintf("%s param %s: upstream UTF-8 labelled us-ascii", where, k))
			} else if !strings.EqualFold(dec, o) {
				*diffs = append(*diffs, fmt.Sprintf("%s param %s: upstream %q, ours %q", where, k, u, o))
			}
		}
	}
}

func compareDisposition(diffs *[]string, where string, up sexp, ours *imap.BodyStructureDisposition) {
	switch {
	case up.isNil && ours == nil:
	case up.isNil || ours == nil:
		*diffs = append(*diffs, fmt.Sprintf("%s disposition: upstream %v, ours %v", where, up, ours))
	default:
		if !strings.EqualFold(up.at(0).str, ours.Value) {
			*diffs = append(*diffs, fmt.Sprintf("%s disposition %q, ours %q", where, up.at(0).str, ours.Value))
		}
		compareParams(diffs, where+" disposition", up.at(1).params(), ours.Params)
	}
}

// compareBS appends to diffs every difference between upstream's body
// structure up and ours at part path.
func compareBS(diffs *[]string, path string, up sexp, ours imap.BodyStructure) {
	add := func(format string, args ...any) {
		*diffs = append(*diffs, fmt.Sprintf("[%s] ", path)+fmt.Sprintf(format, args...))
	}
	sub := func(i int) string {
		if path == "" {
			return strconv.Itoa(i)
		}
		return path + "." + strconv.Itoa(i)
	}
	if !up.isList {
		add("upstream not a list")
		return
	}
	if len(up.list) > 0 && up.list[0].isList {
		n := 0
		for n < len(up.list) && up.list[n].isList {
			n++
		}
		mp, ok := ours.(*imap.BodyStructureMultiPart)
		if !ok {
			add("upstream multipart, ours %s", ours.MediaType())
			return
		}
		if !strings.EqualFold(up.at(n).str, mp.Subtype) {
			add("subtype %q, ours %q", up.at(n).str, mp.Subtype)
		}
		if n != len(mp.Children) {
			add("upstream %d parts, ours %d", n, len(mp.Children))
		}
		for i := 0; i < n && i < len(mp.Children); i++ {
			compareBS(diffs, sub(i+1), up.list[i], mp.Children[i])
		}
		where := fmt.Sprintf("[%s]", path)
		compareParams(diffs, where, up.at(n+1).params(), mp.Extended.Params)
		compareDisposition(diffs, where, up.at(n+2), mp.Extended.Disposition)
		if got := len(up.list) - n - 1; got != 4 {
			add("upstream %d multipart extension members, RFC 9051 has 4", got)
		}
		return
	}
	sp, ok := ours.(*imap.BodyStructureSinglePart)
	if !ok {
		add("upstream %s/%s, ours %s", up.at(0).str, up.at(1).str, ours.MediaType())
		return
	}
	if !strings.EqualFold(up.at(0).str+"/"+up.at(1).str, sp.MediaType()) {
		add("type %s/%s, ours %s", up.at(0).str, up.at(1).str, sp.MediaType())
	}
	where := fmt.Sprintf("[%s]", path)
	compareParams(diffs, where, up.at(2).params(), sp.Params)
	if up.at(3).str != sp.ID {
		add("id %q, ours %q", up.at(3).str, sp.ID)
	}
	if up.at(4).str != sp.Description {
		add("description %q, ours %q", up.at(4).str, sp.Description)
	}
	if !strings.EqualFold(up.at(5).str, sp.Encoding) {
		add("encoding %q, ours %q", up.at(5).str, sp.Encoding)
	}
	if up.at(6).str != strconv.Itoa(int(sp.Size)) {
		add("size %s, ours %d", up.at(6).str, sp.Size)
	}
	ext := 7
	switch {
	case sp.MessageRFC822 != nil:
		compareBS(diffs, path+" rfc822", up.at(8), sp.MessageRFC822.BodyStructure)
		if l := up.at(9); l.isList || l.isNil {
			add("message/rfc822 lines missing upstream, ours %d", sp.MessageRFC822.NumLines)
			ext = 9
		} else {
			if l.str != strconv.FormatInt(sp.MessageRFC822.NumLines, 10) {
				add("message lines %s, ours %d", l.str, sp.MessageRFC822.NumLines)
			}
			ext = 10
		}
	case sp.Text != nil:
		if up.at(7).str != strconv.FormatInt(sp.Text.NumLines, 10) {
			add("lines %s, ours %d", up.at(7).str, sp.Text.NumLines)
		}
		ext = 8
	}
	// Extension data: MD5, disposition, language, location.
	if len(up.list) <= ext {
		add("upstream has no extension data")
		return
	}
	compareDisposition(diffs, where, up.at(ext+1), sp.Extended.Disposition)
}
