package imapmsg

import (
	"net/mail"
	"testing"
	"time"
)

func TestEnvelope(t *testing.T) {
	tests := []struct {
		name string
		hdr  string
		want string // as wireEnvelope writes it (date in RFC 1123 with zone)
	}{{
		name: "all fields",
		hdr: `Date: Tue, 05 Mar 2024 14:03:01 +0100 (CET)
Subject: Hello
 world
From: "Doe, John" <john@example.org>
Sender: Secretary <sec@example.org>
Reply-To: replies@example.org
To: a@example.org, "B" <b@example.org>
Cc: c@example.org
Bcc: d@example.org
In-Reply-To: <id1@example.org> <id2@example.org>
Message-ID: <mid@example.org>
`,
		want: `("Tue, 05 Mar 2024 14:03:01 +0100" "Hello world" (("Doe, John" NIL "john" "example.org")) (("Secretary" NIL "sec" "example.org")) ` +
			`((NIL NIL "replies" "example.org")) ((NIL NIL "a" "example.org")("B" NIL "b" "example.org")) ((NIL NIL "c" "example.org")) ` +
			`((NIL NIL "d" "example.org")) "<id1@example.org> <id2@example.org>" "<mid@example.org>")`,
	}, {
		// RFC 9051 7.5.2: absent or empty Sender and Reply-To are From.
		name: "sender and reply-to default to from",
		hdr:  "From: a@example.org\nReply-To:\n",
		want: `(NIL NIL ((NIL NIL "a" "example.org")) ((NIL NIL "a" "example.org")) ((NIL NIL "a" "example.org")) NIL NIL NIL NIL NIL)`,
	}, {
		name: "no header at all",
		hdr:  "",
		want: `(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)`,
	}, {
		// Raw 8-bit header text is passed through byte for byte; an
		// encoded-word stays as it is in the header.
		name: "raw 8-bit and encoded-words",
		hdr:  "Subject: Raw 8-bit Überschrift ☃\nFrom: =?utf-8?q?J=C3=B6rg?= <j@example.org>, Jörg Raw <jr@example.org>\nCc: =?iso-8859-1?q?Gr=FC=DFe?= <g@example.org>\n",
		want: `(NIL "Raw 8-bit Überschrift ☃" (("=?utf-8?q?J=C3=B6rg?=" NIL "j" "example.org")("Jörg Raw" NIL "jr" "example.org")) ` +
			`(("=?utf-8?q?J=C3=B6rg?=" NIL "j" "example.org")("Jörg Raw" NIL "jr" "example.org")) ` +
			`(("=?utf-8?q?J=C3=B6rg?=" NIL "j" "example.org")("Jörg Raw" NIL "jr" "example.org")) NIL (("=?iso-8859-1?q?Gr=FC=DFe?=" NIL "g" "example.org")) NIL NIL NIL)`,
	}, {
		name: "encoded-word subject stays encoded",
		hdr:  "Subject: =?utf-8?b?w5xiZXI=?= =?utf-8?b?c2ljaHQ=?=\n",
		want: `(NIL "=?utf-8?b?w5xiZXI=?= =?utf-8?b?c2ljaHQ=?=" NIL NIL NIL NIL NIL NIL NIL NIL)`,
	}, {
		// RFC 9051 7.5.2: group start (NIL NIL "name" NIL), end (NIL NIL NIL NIL).
		name: "groups",
		hdr:  "To: undisclosed-recipients:;\nCc: Team: a@example.org, \"B\" <b@example.org>; c@example.org\n",
		want: `(NIL NIL NIL NIL NIL ((NIL NIL "undisclosed-recipients" NIL)(NIL NIL NIL NIL)) ` +
			`((NIL NIL "Team" NIL)(NIL NIL "a" "example.org")("B" NIL "b" "example.org")(NIL NIL NIL NIL)(NIL NIL "c" "example.org")) NIL NIL NIL)`,
	}, {
		name: "unterminated group",
		hdr:  "To: Team: a@example.org\n",
		want: `(NIL NIL NIL NIL NIL ((NIL NIL "Team" NIL)(NIL NIL "a" "example.org")(NIL NIL NIL NIL)) NIL NIL NIL NIL)`,
	}, {
		name: "comments, routes, missing domain",
		hdr:  "From: john@example.org (John Doe)\nTo: <@relay.example:x@example.org>, root, Name (c) <\"q u\"@example.org>\n",
		want: `(NIL NIL ((NIL NIL "john" "example.org")) ((NIL NIL "john" "example.org")) ((NIL NIL "john" "example.org")) ` +
			`((NIL NIL "x" "example.org")(NIL NIL "root" ".MISSING-HOST-NAME.")("Name" NIL "\"q u\"" "example.org")) NIL NIL NIL NIL)`,
	}, {
		name: "message-id without brackets, bad date",
		hdr:  "Date: yesterday\nMessage-ID: bare@example.org\nIn-Reply-To: <a@b> (comment)\n",
		want: `(NIL NIL NIL NIL NIL NIL NIL NIL "<a@b>" "<bare@example.org>")`,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			raw := crlf(tc.hdr + "\nbody\n")
			for _, m := range []*Message{Parse(raw), ParseHeader(raw)} {
				if got := wireEnvelope(m.Envelope()); got != tc.want {
					t.Errorf("ENVELOPE\n got %s\nwant %s", got, tc.want)
				}
			}
		})
	}
}

func TestSentDate(t *testing.T) {
	tests := []struct {
		date string
		want time.Time
	}{
		{"Tue, 05 Mar 2024 14:03:01 +0100", time.Date(2024, 3, 5, 13, 3, 1, 0, time.UTC)},
		{"5 Mar 2024 14:03:01 -0000", time.Date(2024, 3, 5, 14, 3, 1, 0, time.UTC)},
		{"Tue,  5 Mar 2024 14:03 +0000 (UTC)", time.Date(2024, 3, 5, 14, 3, 0, 0, time.UTC)},
		{"Tue, 5 Mar 2024 14:03:01 GMT", time.Date(2024, 3, 5, 14, 3, 1, 0, time.UTC)},
		{"garbage", time.Time{}},
	}
	for _, tc := range tests {
		got := Parse(crlf("Date: " + tc.date + "\n\n")).SentDate()
		if !got.Equal(tc.want) {
			t.Errorf("SentDate(%q) = %v, want %v", tc.date, got, tc.want)
		}
	}
	if got := Parse(crlf("Subject: none\n\n")).SentDate(); !got.IsZero() {
		t.Errorf("SentDate without Date: %v", got)
	}
}

// TestParseDateFast: where parseDateFast parses a date, mail.ParseDate
// gives the same instant and zone offset (what ENVELOPE and SEARCH
// SENT* use), over common forms and their mutations.
func TestParseDateFast(t *testing.T) {
	base := []string{
		"Sun, 01 Nov 2026 09:00:00 +0000",
		"Mon, 2 Jan 2006 15:04:05 -0700",
		"2 Jan 2006 15:04:05 -0700",
		"Tue, 29 Feb 2000 23:59:59 +1400",
		"Wed, 31 Dec 1969 00:00:00 -1200 (PST)",
		"Thu, 1 Jan 1970 00:00:00 +0000 (Coordinated Universal Time)",
		"Fri, 13 Oct 2023 10:11:12 +0530 (IST)",
		"Sat, 29 Feb 2023 10:00:00 +0000",
		"Sun, 31 Apr 2024 10:00:00 +0000",
		"Mon, 02 Jan 2006 24:00:00 +0000",
		"Mon, 02 Jan 2006 12:60:00 +0000",
		"Mon, 02 Jan 2006 12:00:60 +0000",
		"Mon, 02 Jan 2006 12:00:00 +2400",
		"Mon, 02 Jan 2006 12:00:00 +0060",
		"Mon, 02 Jan 06 12:00:00 +0000",
		"Mon, 02 Jan 2006 12:00 +0000",
		"Mon, 02 Jan 2006 12:00:00 GMT",
		"Mon, 02 Jan 2006 12:00:00 +0000 (a (nested) comment)",
		"Mon, 02 Jan 2006 12:00:00 +0000 (unclosed",
		"Mon, 02 Jan 2006 12:00:00 +0000 trailing",
		"mon, 02 jan 2006 12:00:00 +0000",
		"Mo, 02 Jan 2006 12:00:00 +0000",
		"Mon,  2 Jan 2006 12:00:00 +0000",
		"Mon, 002 Jan 2006 12:00:00 +0000",
		"Mon, 0 Jan 2006 12:00:00 +0000",
		"Mon, 02 Jam 2006 12:00:00 +0000",
		"Mon, 02 Jan 2006 12:00:00 +00",
		"Mon, 02 Jan 2006 12:00:00 0000",
	}
	var cases []string
	for _, d := range base {
		cases = append(cases, d)
		for i := range len(d) {
			// Each byte dropped, doubled and replaced by a digit or a space.
			cases = append(cases, d[:i]+d[i+1:], d[:i+1]+d[i:], d[:i]+"9"+d[i+1:], d[:i]+" "+d[i+1:])
		}
	}
	fast := 0
	for _, d := range cases {
		got, ok := parseDateFast(d)
		if !ok {
			continue
		}
		fast++
		want, err := mail.ParseDate(d)
		if err != nil {
			t.Errorf("%q: parseDateFast gives %v, mail.ParseDate fails: %v", d, got, err)
			continue
		}
		_, gotOff := got.Zone()
		_, wantOff := want.Zone()
		if !got.Equal(want) || gotOff != wantOff {
			t.Errorf("%q: parseDateFast gives %v, mail.ParseDate %v", d, got, want)
		}
	}
	if fast < 100 {
		t.Errorf("parseDateFast parsed only %d of %d dates", fast, len(cases))
	}
}
