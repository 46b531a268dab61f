package main

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"math"
	"math/rand/v2"
	"mime/quotedprintable"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/gromox-go/gromox/tests/loadgen"
)

// Needle is the body substring the generated messages carry, one message in
// needleEvery, in each text part: the default SEARCH BODY term, so that a
// server's hit count can be checked.
const (
	Needle      = "needle-xylophone"
	needleEvery = 20
)

// Message is one message to append: its bytes (CRLF line ends, as an IMAP
// literal), internal date, flags, and whether its body holds Needle.
type Message struct {
	Raw       []byte
	Date      time.Time
	Seen      bool
	HasNeedle bool
}

// MessageSet makes the i-th message of a run: generated, or taken from a
// corpus (cycled, each copy with its own Message-ID).
type MessageSet struct {
	corpus [][]byte
	run    string
	base   time.Time
}

// NewMessageSet reads DIR/*.eml (files over maxSize left out) when dir is
// set, and generates messages otherwise. run makes Message-IDs unique to one
// invocation.
func NewMessageSet(dir string, maxSize int, run string) (*MessageSet, error) {
	ms := &MessageSet{run: run, base: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)}
	if dir == "" {
		return ms, nil
	}
	names, err := filepath.Glob(filepath.Join(dir, "*.eml"))
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			return nil, fmt.Errorf("corpus: %w", err)
		}
		if maxSize > 0 && len(b) > maxSize {
			continue
		}
		ms.corpus = append(ms.corpus, crlf(b))
	}
	if len(ms.corpus) == 0 {
		return nil, fmt.Errorf("corpus: no *.eml of at most %d bytes in %s", maxSize, dir)
	}
	return ms, nil
}

// crlf turns bare LF line ends into CRLF (an IMAP literal is CRLF text).
func crlf(b []byte) []byte {
	var out bytes.Buffer
	out.Grow(len(b) + len(b)/40)
	for i, c := range b {
		if c == '\n' && (i == 0 || b[i-1] != '\r') {
			out.WriteByte('\r')
		}
		out.WriteByte(c)
	}
	return out.Bytes()
}

// Get returns message i of the set in folder (the name goes into the
// Message-ID, so that the same i in two folders is two messages).
func (ms *MessageSet) Get(folder string, i int) Message {
	id := fmt.Sprintf("imapbench-%s-%s-%d@imapbench.invalid", ms.run, strings.ReplaceAll(folder, "/", "."), i)
	date := ms.base.Add(-time.Duration(i) * 97 * time.Minute)
	if len(ms.corpus) > 0 {
		return Message{Raw: loadgen.WithMessageID(ms.corpus[i%len(ms.corpus)], id), Date: date, Seen: i%10 < 7}
	}
	rnd := rand.New(rand.NewPCG(uint64(i), 0x1b))
	needle := i%needleEvery == 7
	return Message{Raw: generate(rnd, id, date, needle), Date: date, Seen: i%10 < 7, HasNeedle: needle}
}

// ExpectedHits is how many of messages 0..n-1 hold Needle, -1 when unknown.
func (ms *MessageSet) ExpectedHits(n int) int {
	if len(ms.corpus) > 0 {
		return -1
	}
	hits := 0
	for i := 0; i < n; i++ {
		if i%needleEvery == 7 {
			hits++
		}
	}
	return hits
}

var (
	firstNames = []string{"Anna", "Bernd", "Chloé", "David", "Elif", "Fatima", "Grzegorz", "Hannah", "Ivan", "Jürgen", "Kenji", "Laura", "Miguel", "Nadia", "Oscar", "Priya"}
	lastNames  = []string{"Müller", "Schmidt", "Dubois", "Nowak", "García", "Rossi", "Tanaka", "Smith", "Johansson", "Öztürk", "Kowalski", "Novák"}
	domains    = []string{"example.org", "example.com", "example.net", "mail.example.de", "corp.example"}
	subjects   = []string{"Quarterly report", "Re: meeting on Thursday", "Invoice %d", "Fwd: travel plans", "Project status update", "Re: Re: budget review", "Lunch?", "Build %d failed", "Einladung zur Besprechung", "Résumé of the workshop", "Your order %d has shipped", "Minutes of the board meeting"}
	words      = strings.Fields(`the of and to in a is that for it as was with be by on not he this are or his from at which but have an they you were her she there been one all we their has would when if so no will more can said who about out up what some into them time other than then only could its two may first any like now my such make over our even most after also did many before must through back years where much your way well down should because each just those people how too little state good very make world still own see men work long get here between both life being under never day same another know while last might us great old year off come since against go came right used take three`)
	umlauts    = []string{"Grüße", "Straße", "Ärger", "Öffnungszeiten", "Überweisung", "façade", "naïve", "Zürich", "señor", "smörgåsbord"}
)

func pick(rnd *rand.Rand, s []string) string { return s[rnd.IntN(len(s))] }

func person(rnd *rand.Rand) (name, addr string) {
	f, l := pick(rnd, firstNames), pick(rnd, lastNames)
	return f + " " + l, strings.ToLower(strings.Map(asciiOnly, f)+"."+strings.Map(asciiOnly, l)) + "@" + pick(rnd, domains)
}

func asciiOnly(r rune) rune {
	if r < 0x80 {
		return r
	}
	switch r {
	case 'ü':
		return 'u'
	case 'ö', 'Ö':
		return 'o'
	case 'é', 'á':
		return 'e'
	}
	return 'x'
}

// encodedWord returns s as an RFC 2047 encoded word when it is not ASCII.
func encodedWord(s string) string {
	for _, r := range s {
		if r >= 0x80 {
			return "=?UTF-8?B?" + base64.StdEncoding.EncodeToString([]byte(s)) + "?="
		}
	}
	return s
}

func paragraph(rnd *rand.Rand, umlaut bool) string {
	var b strings.Builder
	n := 30 + rnd.IntN(70)
	col := 0
	for i := 0; i < n; i++ {
		w := pick(rnd, words)
		if umlaut && rnd.IntN(12) == 0 {
			w = pick(rnd, umlauts)
		}
		if i == 0 {
			w = strings.ToUpper(w[:1]) + w[1:]
		}
		if col+len(w) > 72 {
			b.WriteString("\r\n")
			col = 0
		} else if i > 0 {
			b.WriteByte(' ')
			col++
		}
		b.WriteString(w)
		col += len(w)
	}
	b.WriteString(".\r\n")
	return b.String()
}

// generate makes one message shaped like everyday mail: Received and
// DKIM-Signature headers, display names with non-ASCII letters, 60% plain
// text, 30% multipart/alternative with HTML, 10% multipart/mixed with a
// base64 attachment (10 KB to 400 KB).
func generate(rnd *rand.Rand, id string, date time.Time, needle bool) []byte {
	var h strings.Builder
	fromName, from := person(rnd)
	toName, to := person(rnd)
	kind := rnd.IntN(10)
	umlaut := rnd.IntN(3) == 0
	subj := pick(rnd, subjects)
	if strings.Contains(subj, "%d") {
		subj = fmt.Sprintf(subj, 1000+rnd.IntN(90000))
	}
	if umlaut {
		subj += " – " + pick(rnd, umlauts)
	}
	d := date.Format(time.RFC1123Z)
	fmt.Fprintf(&h, "Return-Path: <%s>\r\n", from)
	fmt.Fprintf(&h, "Received: from mx%d.%s (mx.%s [192.0.2.%d])\r\n\tby mail.gromox.test with ESMTPS id %08x\r\n\tfor <%s>; %s\r\n",
		rnd.IntN(9), domains[0], domains[1], rnd.IntN(250), rnd.Uint32(), to, d)
	fmt.Fprintf(&h, "Received: from [10.0.%d.%d] by smtp.%s with ESMTPSA; %s\r\n", rnd.IntN(250), rnd.IntN(250), domains[1], d)
	sig := make([]byte, 192)
	for i := range sig {
		sig[i] = byte(rnd.Uint32())
	}
	b64 := base64.StdEncoding.EncodeToString(sig)
	fmt.Fprintf(&h, "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=%s; s=sel1;\r\n\th=from:to:subject:date:message-id; bh=%s;\r\n\tb=%s\r\n\t%s\r\n",
		domains[1], b64[:44], b64[44:120], b64[120:])
	fmt.Fprintf(&h, "From: %s <%s>\r\n", encodedWord(fromName), from)
	fmt.Fprintf(&h, "To: %s <%s>\r\n", encodedWord(toName), to)
	if rnd.IntN(3) == 0 {
		ccName, cc := person(rnd)
		fmt.Fprintf(&h, "Cc: %s <%s>\r\n", encodedWord(ccName), cc)
	}
	fmt.Fprintf(&h, "Subject: %s\r\nDate: %s\r\nMessage-ID: <%s>\r\nMIME-Version: 1.0\r\n", encodedWord(subj), d, id)

	var text strings.Builder
	fmt.Fprintf(&text, "Hello %s,\r\n\r\n", strings.Fields(toName)[0])
	for p := 1 + rnd.IntN(8); p > 0; p-- {
		text.WriteString(paragraph(rnd, umlaut))
		text.WriteString("\r\n")
	}
	if needle {
		text.WriteString("The code word for this one is " + Needle + ", keep it.\r\n\r\n")
	}
	fmt.Fprintf(&text, "-- \r\n%s\r\n", fromName)

	textPart := func(b *strings.Builder) {
		if umlaut {
			b.WriteString("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
			b.WriteString(qp(text.String()))
		} else {
			b.WriteString("Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\n")
			b.WriteString(text.String())
		}
	}
	boundary := fmt.Sprintf("=_imapbench_%08x", rnd.Uint32())
	var body strings.Builder
	switch {
	case kind < 6:
		textPart(&h)
		return []byte(h.String())
	case kind < 9:
		fmt.Fprintf(&h, "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\nThis is a multi-part message in MIME format.\r\n\r\n", boundary)
		fmt.Fprintf(&body, "--%s\r\n", boundary)
		textPart(&body)
		fmt.Fprintf(&body, "\r\n--%s\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n", boundary)
		html := "<html><head><meta charset=\"utf-8\"></head><body style=\"font-family: Calibri, sans-serif\">\r\n<p>" +
			strings.ReplaceAll(strings.TrimSpace(text.String()), "\r\n\r\n", "</p>\r\n<p>") + "</p>\r\n</body></html>\r\n"
		body.WriteString(qp(html))
		fmt.Fprintf(&body, "\r\n--%s--\r\n", boundary)
	default:
		fmt.Fprintf(&h, "Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\nThis is a multi-part message in MIME format.\r\n\r\n", boundary)
		fmt.Fprintf(&body, "--%s\r\n", boundary)
		textPart(&body)
		name, ctype := "report.pdf", "application/pdf"
		if rnd.IntN(2) == 0 {
			name, ctype = "Übersicht Q3.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		}
		size := int(10000 * math.Pow(40, rnd.Float64())) // 10 KB to 400 KB, log-uniform
		att := make([]byte, size)
		for i := range att {
			att[i] = byte(rnd.Uint32())
		}
		fmt.Fprintf(&body, "\r\n--%s\r\nContent-Type: %s; name=\"%s\"\r\nContent-Disposition: attachment;\r\n\tfilename*=UTF-8''%s\r\nContent-Transfer-Encoding: base64\r\n\r\n",
			boundary, ctype, encodedWord(name), pctEncode(name))
		enc := base64.StdEncoding.EncodeToString(att)
		for len(enc) > 76 {
			body.WriteString(enc[:76])
			body.WriteString("\r\n")
			enc = enc[76:]
		}
		body.WriteString(enc)
		fmt.Fprintf(&body, "\r\n--%s--\r\n", boundary)
	}
	return []byte(h.String() + body.String())
}

func qp(s string) string {
	var b bytes.Buffer
	w := quotedprintable.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.String()
}

func pctEncode(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
