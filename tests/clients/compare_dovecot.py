#!/usr/bin/env python3
"""Our IMAP server's answers next to Dovecot's, for the same messages.

Environment: IMAP_ADDR, POP3_ADDR, IMAP_USER, IMAP_PASSWORD (Dovecot),
OURS_ADDR, OURS_POP3, OURS_USER, OURS_PASSWORD (ours), MESSAGE_DIRS (directories of *.eml,
separated by ":"), EXPECTED (the file of accepted differences).

Each message is APPENDed to a fresh folder on both servers, with the same
flags and date, and then asked the same FETCH items (every section and
partial form) and SEARCH keys, and COPYed and MOVEd (flags, internal
date and size must come along); then a session of IMAP commands
(SESSION: STATUS, LIST forms, CREATE, RENAME, DELETE, ESEARCH, SEARCHRES,
STORE forms, EXPUNGE, APPEND, errors) runs on both, raw, and the responses
are compared line by line; then the INBOX holds the messages alone, POP3
LIST, RETR and TOP of each are compared, and a POP3 session
(POP3_SESSION) runs on both. Differences of form that RFC 9051 leaves to
the server are evened out first (see norm and normline). Each remaining
difference must be listed in EXPECTED as "ITEM MESSAGE  # reason" ("ITEM
*" for every message, "SEARCH KEY  # reason" for a search, "CMD COMMAND
# reason" for a command of the IMAP session, "POP3-RETR MESSAGE" and the
like for POP3, "POP3-CMD COMMAND" for the POP3 session): the ones listed
print as "accepted", any other as "DIFF" with both answers, and a listed
one that no longer differs as "GONE". The exit status is 1 when there is
a DIFF or a GONE.
"""
import datetime
import email.utils
import glob
import imaplib
import os
import poplib
import re
import sys

FOLDER = "compare-dovecot"
imaplib.Commands.setdefault("MOVE", ("SELECTED",))  # RFC 6851, unknown to Python 3.11
ITEMS = [
    "FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODYSTRUCTURE", "BODY",
    "BODY.PEEK[]", "BODY.PEEK[HEADER]", "BODY.PEEK[TEXT]", "BODY.PEEK[1]", "BODY.PEEK[1.MIME]",
    "BODY.PEEK[2]", "BODY.PEEK[2.MIME]", "BODY.PEEK[1.1]", "BODY.PEEK[1.2]", "BODY.PEEK[2.1]",
    "BODY.PEEK[HEADER.FIELDS (From Subject To)]", "BODY.PEEK[HEADER.FIELDS.NOT (Subject Received)]",
    "BODY.PEEK[]<0.100>", "BODY.PEEK[1]<5.10>", "BODY.PEEK[TEXT]<10.20>",
    "BINARY.PEEK[1]", "BINARY.SIZE[1]", "BINARY.PEEK[2]", "BINARY.SIZE[2]", "BINARY.PEEK[1.1]",
    "BODY.PEEK[2.HEADER]", "BODY.PEEK[2.TEXT]", "BODY.PEEK[3]", "BODY.PEEK[1.TEXT]",
    "BODY.PEEK[1.HEADER]", "RFC822.HEADER", "RFC822.TEXT", "BODY.PEEK[2.1.MIME]",
    "BODY.PEEK[1.2.MIME]", "BODY.PEEK[2.HEADER.FIELDS (Subject)]", "BODY.PEEK[]<100000000.10>",
    "BODY.PEEK[TEXT]<0.0>", "BINARY.PEEK[1]<2.5>", "BINARY.SIZE[1.1]", "BODY.PEEK[HEADER.FIELDS (X-Absent)]",
]
SEARCHES = [
    "ALL", "SEEN", "UNSEEN", "KEYWORD $Label1", 'FROM "example"', 'SUBJECT "test"', 'BODY "the"',
    'TEXT "the"', "LARGER 2000", "SMALLER 1000", "BEFORE 1-Jan-2021", "SENTBEFORE 1-Jan-2015",
    "SENTSINCE 1-Jan-2015", "HEADER Content-Type multipart", "NOT HEADER Content-Type multipart",
    "OR FROM a TO b", 'CC "@"', 'HEADER X-Mailer ""', 'TEXT "attachment"', 'BODY "attachment"',
    'TEXT "filename"', 'TEXT "notes.txt"', 'TEXT "Content-Transfer-Encoding"', 'TEXT "base64"',
    'BODY "Grüße"', 'SUBJECT "ü"', 'BODY "€"', 'TEXT "Straße"',
    "ON 1-Jan-2020", "SINCE 2-Jan-2020", "SENTON 16-Nov-2023", "SENTSINCE 1-Dec-2023",
    'HEADER Message-ID ""', 'NOT HEADER Message-ID ""', "ANSWERED", "UNKEYWORD $Label1", "NEW", "OLD",
    "RECENT", "DRAFT", "UNDELETED", "1:5", "UID 3:*", "LARGER 100000", "NOT SMALLER 5000",
    'OR SUBJECT "fwd" SUBJECT "Re:"', 'SUBJECT ""', 'FROM "Erika Mustermann"', 'TO "fixture@example.org"',
    'BCC "bcc"', 'HEADER From "<erika@partner.example>"', 'BODY "snowman"', 'TEXT "Übersicht"',
]

# The session: each command's responses, tagged and untagged, on both
# servers, in this order, with the compared folder selected at the start.
F = '"' + FOLDER + '"'
SESSION = [
    "SELECT " + F,
    "STATUS " + F + " (MESSAGES UIDNEXT UNSEEN)",
    "STATUS " + F + " (MESSAGES RECENT UIDNEXT UNSEEN DELETED SIZE)",
    "CREATE " + FOLDER + "/sub",
    "CREATE " + FOLDER + "/sub/deeper/",
    "CREATE " + FOLDER + "/sub",
    'LIST "" ' + FOLDER + "*",
    'LIST "" ' + FOLDER + "%",
    'LIST "" ' + FOLDER + "/%",
    "LIST " + FOLDER + '/ "%"',
    'LIST "" ' + FOLDER + "/*/deeper",
    'LIST "" ' + FOLDER + "* RETURN (CHILDREN)",
    'LIST "" ' + FOLDER + "* RETURN (STATUS (MESSAGES UNSEEN))",
    'LIST "" ""',
    "STATUS " + FOLDER + "/sub (MESSAGES UIDNEXT)",
    "RENAME " + FOLDER + "/sub " + FOLDER + "/sub2",
    'LIST "" ' + FOLDER + "/*",
    "RENAME " + FOLDER + "/sub2 " + F,
    "RENAME " + FOLDER + "/absent " + FOLDER + "/x",
    "DELETE " + FOLDER + "/sub2",
    "DELETE " + FOLDER + "/sub2/deeper",
    "DELETE " + FOLDER + "/sub2",
    "DELETE " + FOLDER + "/sub2",
    "SEARCH RETURN (MIN MAX COUNT) ALL",
    "UID SEARCH RETURN (COUNT) SEEN",
    "SEARCH RETURN () 1:4",
    "SEARCH RETURN (MIN) KEYWORD absent",
    "SEARCH RETURN (SAVE) 2:3",
    "FETCH $ (FLAGS)",
    "FETCH 3,1:2 (FLAGS)",
    "FETCH 4:* (RFC822.SIZE)",
    "UID FETCH 1:10 (FLAGS)",
    "STORE 1 +FLAGS (\\Flagged)",
    "STORE 1 -FLAGS.SILENT (\\Seen)",
    "STORE 2 FLAGS ($Label2 \\Answered)",
    "STORE 3 +FLAGS (Junk NonJunk)",
    "STORE 3 -FLAGS (Junk)",
    "FETCH 1:3 (FLAGS)",
    "SEARCH KEYWORD NonJunk",
    "SEARCH UNSEEN",
    "SEARCH ANSWERED",
    "STORE 1:2 +FLAGS.SILENT (\\Deleted)",
    "SEARCH DELETED",
    "EXPUNGE",
    "STORE 2 +FLAGS.SILENT (\\Deleted)",
    "COPY 1 " + FOLDER + "/absent",
    "MOVE 1 " + FOLDER + "/absent",
    "APPEND " + FOLDER + "/absent {3+}\r\nabc",
    "STATUS " + FOLDER + "/absent (MESSAGES)",
    "SELECT " + FOLDER + "/absent",
    "EXAMINE " + F,
    "STORE 1 +FLAGS (\\Seen)",
    "EXPUNGE",
    "FETCH 1 (FLAGS)",
    "SELECT " + F,
    "CLOSE",
    "FETCH 1 (FLAGS)",
    "SELECT " + F,
    "SEARCH DELETED",
    "FETCH 0 (FLAGS)",
    "UID FETCH 0:3 (FLAGS)",
    "SEARCH SINCE 31-Feb-2021",
    "SEARCH BOGUSKEY x",
    'STATUS "&Jjo" (MESSAGES)',
    "FETCH 1 (BOGUS)",
    "UNSELECT",
    'LIST "" ""',
    'LIST "" inbox',
    'LIST "" INBOX*',
    "SELECT inbox",
    "EXAMINE Inbox",
    "SUBSCRIBE " + F,
    'LSUB "" ' + FOLDER + "*",
    'LIST (SUBSCRIBED) "" ' + FOLDER + "*",
    "UNSUBSCRIBE " + F,
    'LSUB "" ' + FOLDER + "*",
    "UNSUBSCRIBE " + F,
    "SUBSCRIBE " + FOLDER + "/absent",
    "CREATE " + FOLDER + "/dest",
    "APPEND " + FOLDER + "/dest (\\Seen $Label3 \\Flagged) \"05-Mar-2021 08:09:10 +0200\" {14+}\r\nSubject: x\r\n\r\n",
    "APPEND " + FOLDER + "/dest () {14+}\r\nSubject: y\r\n\r\n",
    "STATUS " + FOLDER + "/dest (MESSAGES UIDNEXT UNSEEN)",
    "SELECT " + FOLDER + "/dest",
    "FETCH 1:* (FLAGS INTERNALDATE RFC822.SIZE)",
    "STORE 1 +FLAGS (\\Recent)",
    "STORE 1 +FLAGS (\\Bogus)",
    "SEARCH CHARSET UTF-8 SUBJECT x",
    "SEARCH CHARSET KOI8-R SUBJECT x",
    "SEARCH CHARSET BOGUS-9 SUBJECT x",
    "UID SEARCH UID 1:2",
    "UID COPY 1:2 " + F,
    "UID MOVE 2 " + F,
    "STORE 1 +FLAGS.SILENT (\\Deleted)",
    "UID EXPUNGE 3",
    "UID EXPUNGE 1",
    "FETCH 1:* (UID FLAGS)",
    "NOOP",
    "CHECK",
    "RENAME " + FOLDER + "/dest INBOX",
    "RENAME INBOX " + FOLDER + "/dest",
    "CREATE INBOX",
    "CREATE inbox/child",
    "DELETE INBOX",
    "UNSELECT",
    "DELETE " + FOLDER + "/dest",
    # Last: APPENDs one server or the other refuses (see the expected
    # file); Dovecot then reads their LITERAL+ literal as commands, which
    # the NOOP after each shows.
    "APPEND " + F + " (\\Recent) {14+}\r\nSubject: z\r\n\r\n",
    "NOOP",
    "APPEND " + F + " (\\Bogus) {14+}\r\nSubject: z\r\n\r\n",
    "NOOP",
    "APPEND " + F + ' "31-Feb-2021 08:09:10 +0200" {14+}\r\nSubject: z\r\n\r\n',
    "NOOP",
]

# A POP3 session on the INBOX (which holds the messages, alone, by then):
# each command's response, first line and any multi-line body.
POP3_SESSION = [
    "STAT", "LIST", "LIST 1", "LIST 99", "LIST 0", "LIST x", "LIST 1 2", "UIDL 1", "UIDL 99",
    "TOP 1 0", "TOP 1", "TOP 1 x", "TOP 99 1", "TOP 1 -1", "RETR 0", "RETR 99", "RETR",
    "DELE 1", "STAT", "LIST 1", "UIDL 1", "RETR 1", "TOP 1 0", "DELE 1", "LIST 2",
    "RSET", "STAT", "LIST 1", "NOOP", "NOOP x", "DELE 2", "STAT", "",
    "FOO", "USER x", "PASS y", "APOP x y", "CAPA", "QUIT",
    "(reconnect) STAT",
]


def pop3_session(addr, user, password):
    """The responses to POP3_SESSION: one list of normalized lines per
    command (the text after +OK or -ERR left out, a response code kept;
    UIDL's unique ids, each server's own, replaced by their order)."""
    import socket
    host, port = addr.rsplit(":", 1)

    def connect():
        sock = socket.create_connection((host, int(port)), timeout=30)
        f = sock.makefile("rb")
        f.readline()  # the greeting
        for c in ("USER " + user, "PASS " + password):
            sock.sendall(c.encode() + b"\r\n")
            r = f.readline()
            assert r.startswith(b"+OK"), (c, r)
        return sock, f

    multi = ("LIST", "UIDL", "TOP", "RETR", "CAPA")
    sock, f = connect()
    answers = []
    uids = {}
    for c in POP3_SESSION:
        if c.startswith("(reconnect) "):
            sock.close()
            sock, f = connect()
            c = c[len("(reconnect) "):]
        try:
            sock.sendall(c.encode() + b"\r\n")
            first = f.readline()
        except OSError:
            first = b""
        if not first:
            answers.append([b"(connection closed)"])
            continue
        lines = [re.sub(rb"^(\+OK|-ERR)( \[[^\]]*\])?.*", rb"\1\2", first.rstrip(b"\r\n"))]
        words = c.split()
        if first.startswith(b"+OK") and words and words[0] in multi and (len(words) == 1 or words[0] in ("TOP", "RETR")):
            while True:
                l = f.readline()
                if not l or l == b".\r\n":
                    break
                lines.append(l.rstrip(b"\r\n"))
        if words and words[0] == "UIDL":
            def uid(m):
                return m.group(1) + b" u%d" % uids.setdefault(m.group(2), len(uids) + 1)
            lines = [lines[0]] + [re.sub(rb"^(\d+) (\S+)$", uid, l) for l in lines[1:]]
            if len(words) == 2:
                m = re.match(rb"\+OK (\d+) (\S+)", first)
                if m:
                    lines.append(m.group(1) + b" u%d" % uids.setdefault(m.group(2), len(uids) + 1))
        if words and words[0] == "LIST" and len(words) == 2:
            lines = [first.rstrip(b"\r\n") if first.startswith(b"+OK") else lines[0]]
        if words and words[0] == "STAT":
            lines = [first.rstrip(b"\r\n")]
        if words and words[0] == "CAPA":
            lines = [lines[0]] + sorted(lines[1:])
        answers.append(lines)
    sock.close()
    return answers


def session(addr, user, password):
    """The responses to SESSION of a fresh connection: one list of
    normalized lines per command."""
    import socket
    host, port = addr.rsplit(":", 1)
    sock = socket.create_connection((host, int(port)), timeout=30)
    f = sock.makefile("rb")

    def read():
        """One response line with its literals, or None at the end."""
        line = f.readline()
        while True:
            m = re.search(rb"~?\{(\d+)\}\r\n$", line)
            if not m:
                return line
            line += f.read(int(m.group(1))) + f.readline()

    def command(text):
        tag = b"c%d" % command.n
        command.n += 1
        out = []
        try:
            sock.sendall(tag + b" " + text.encode() + b"\r\n")
        except OSError:
            return [b"(connection closed)"]
        while True:
            try:
                line = read()
            except OSError:
                line = b""
            if not line:
                return out + [b"(connection closed)"]
            if line.startswith(tag + b" "):
                return out + [line[len(tag) + 1:]]
            out.append(line)
    command.n = 1
    f.readline()  # the greeting
    r = command("LOGIN %s %s" % (user, password))
    assert r[-1].startswith(b"OK"), r
    answers = []
    for c in SESSION:
        lines = [normline(l) for l in command(c)]
        if c.startswith(("SELECT", "EXAMINE")):
            # The untagged responses to SELECT come in any order (RFC 9051 6.3.2).
            lines = sorted(lines[:-1]) + lines[-1:]
        else:
            # FLAGS and PERMANENTFLAGS announced by the way (Dovecot does when
            # a command names a keyword new to the folder) are left out:
            # the SELECTs compare them.
            # So is RECENT, which only SELECT must send (IMAP4rev1).
            lines = [l for l in lines if not l.startswith((b"* FLAGS ", b"* OK [PERMANENTFLAGS ", b"* n RECENT"))]
        answers.append(lines)
    command("LOGOUT")
    sock.close()
    return answers


def recent(m):
    """An INTERNALDATE of the last ten minutes (an APPEND without a date
    takes the time it arrives, a second apart on the two servers) as "now"."""
    try:
        t = datetime.datetime.strptime(m.group(1).decode().strip(), "%d-%b-%Y %H:%M:%S %z")
    except ValueError:
        return m.group(0)
    if abs((datetime.datetime.now(datetime.timezone.utc) - t).total_seconds()) < 600:
        return b'INTERNALDATE "now"'
    return m.group(0)


def normline(l):
    """A response line with what is each server's own evened out: the
    text after the status and code, UIDVALIDITY values, \\Recent and
    RECENT counts, [CLIENTBUG] on a BAD (which says it again), the order
    of flags and of ESEARCH's items, the quotes
    around a string that could be an atom (a mailbox name), a day of
    month padded with a zero or a space, an INTERNALDATE of the last
    minutes (recent), and the keywords in FLAGS and
    PERMANENTFLAGS: ours lists the system flags, $Forwarded (MAPI's last
    verb) and \\* for any keyword, Dovecot every keyword its index has
    seen in the folder, even one only searched for; both are allowed
    (RFC 9051 7.3.5)."""
    l = l.rstrip(b"\r\n")
    l = re.sub(rb"^((?:\* )?(?:OK|NO|BAD|BYE|PREAUTH))( \[[^\]]*\])?.*$", rb"\1\2", l)
    l = re.sub(rb"^((?:\* )?BAD) \[CLIENTBUG\]$", rb"\1", l)
    l = re.sub(rb"(UIDVALIDITY|APPENDUID|COPYUID) \d+", rb"\1 v", l)
    l = re.sub(rb" ?\\Recent", b"", l).replace(b"( ", b"(")
    l = re.sub(rb" RECENT \d+", b"", l)
    if re.match(rb"\* \d+ RECENT$", l):
        return b"* n RECENT"
    l = re.sub(rb"\(([^()]*)\)", lambda m: b"(" + b" ".join(sorted(m.group(1).split())) + b")", l)
    l = re.sub(rb'"([A-Za-z0-9./_+-]+)"', rb"\1", l)
    l = re.sub(rb'INTERNALDATE "0', b'INTERNALDATE " ', l)
    l = re.sub(rb'INTERNALDATE "([^"]*)"', recent, l)
    if l.startswith((b"* FLAGS ", b"* OK [PERMANENTFLAGS ")):
        l = re.sub(rb"\(([^()]*)\)", lambda m: b"(" + b" ".join(f for f in m.group(1).split() if f.startswith(b"\\")) + b")", l)
    return l


def connect(addr, user, password):
    host, port = addr.rsplit(":", 1)
    m = imaplib.IMAP4(host, int(port))
    m.login(user, password)
    return m


def fill(m, msgs):
    m.delete(FOLDER)  # a leftover of an earlier run; absent is fine
    typ, data = m.create(FOLDER)
    assert typ == "OK", ("CREATE", typ, data)
    for name, raw in msgs:
        typ, data = m.append(FOLDER, r"(\Seen $Label1)", '"01-Jan-2020 10:00:00 +0100"', raw)
        assert typ == "OK", ("APPEND", name, typ, data)
    typ, data = m.select(FOLDER)
    assert typ == "OK", ("SELECT", typ, data)
    return uids(m)


def empty_inbox(m):
    """Expunges every message of the INBOX ("1:*" in an empty mailbox is a
    BAD, RFC 3501 9)."""
    typ, data = m.select("INBOX")
    if int(data[0]) > 0:
        m.store("1:*", "+FLAGS.SILENT", r"(\Deleted)")
        m.expunge()


def uids(m):
    """The UIDs of the selected folder's messages, in order."""
    typ, data = m.uid("SEARCH", "ALL")
    return [int(u) for u in data[0].split()]


def norm(item, typ, data):
    """The answer as bytes, with what RFC 9051 leaves to the server evened
    out: the sequence number and UID, FLAGS the item did not ask for (a
    FETCH that sets \\Seen may report it), \\Recent (IMAP4rev1 only), a
    day of month padded with a space or a zero, literal8 (~{n}) for a
    literal, quoted or atom header field names in HEADER.FIELDS, and in
    ENVELOPE the date's form and the space between addresses. (Ours sends
    the ENVELOPE date as go-imap formats it, from the instant parsed: a
    zone of -0000, "unknown", comes out as +0000; Dovecot sends the header
    field's text.)"""
    out = typ.encode()
    for d in data:
        if isinstance(d, tuple):
            out += b"|" + d[0] + b"<literal>" + d[1]
        elif d is not None:
            out += b"|" + d
    out = re.sub(rb"\|\d+ \(", b"|(", out)
    out = re.sub(rb"UID \d+ ?", b"", out)
    if not item.startswith("FLAGS"):
        out = re.sub(rb"FLAGS \([^)]*\) ?", b"", out)
        out = out.replace(b"|()", b"")  # an unsolicited FETCH FLAGS
    out = out.replace(b"\\Recent ", b"").replace(b" \\Recent", b"")
    out = re.sub(rb'INTERNALDATE "0', b'INTERNALDATE " ', out)
    out = out.replace(b"~{", b"{")
    out = re.sub(rb"HEADER\.FIELDS(\.NOT)? \([^)]*\)", lambda m: m.group(0).upper().replace(b'"', b""), out)
    if item == "ENVELOPE":
        def date(m):
            try:
                t = email.utils.parsedate_to_datetime(m.group(1).decode())
                if t.tzinfo is None:  # -0000
                    t = t.replace(tzinfo=datetime.timezone.utc)
                return b'ENVELOPE ("' + t.astimezone(datetime.timezone.utc).isoformat().encode() + b'"'
            except (TypeError, ValueError):
                return m.group(0)
        out = re.sub(rb'ENVELOPE \("([^"]*)"', date, out)
        out = out.replace(b") (", b")(")
    return out


def main():
    env = os.environ
    msgs = []
    for d in env["MESSAGE_DIRS"].split(":"):
        for p in sorted(glob.glob(os.path.join(d, "*.eml"))):
            msgs.append((os.path.basename(p), open(p, "rb").read()))
    if not msgs:
        sys.exit("no messages in " + env["MESSAGE_DIRS"])
    expected = {}
    for line in open(env["EXPECTED"], encoding="utf-8"):
        key, _, reason = line.partition("#")
        key = " ".join(key.split())
        if key:
            expected[key] = reason.strip()
    ours = connect(env["OURS_ADDR"], env["OURS_USER"], env["OURS_PASSWORD"])
    dove = connect(env["IMAP_ADDR"], env["IMAP_USER"], env["IMAP_PASSWORD"])
    uo, ud = fill(ours, msgs), fill(dove, msgs)
    assert len(uo) == len(ud) == len(msgs), (len(uo), len(ud), len(msgs))

    seen, diffs, accepted = set(), 0, 0

    def report(key, a, b):
        nonlocal diffs, accepted
        key = " ".join(key.split())
        listed = key if key in expected else key.rsplit(" ", 1)[0] + " *"
        if listed in expected:
            seen.add(listed)
            accepted += 1
            print("accepted: %s (%s)" % (key, expected[listed]))
            return
        diffs += 1
        print("DIFF: %s\n  ours:    %r\n  dovecot: %r" % (key, a[:2000], b[:2000]))

    for (name, _), x, y in zip(msgs, uo, ud):
        for item in ITEMS:
            a = norm(item, *ours.uid("FETCH", str(x), "(" + item + ")"))
            b = norm(item, *dove.uid("FETCH", str(y), "(" + item + ")"))
            if a != b:
                report(item + " " + name, a, b)
    for key in SEARCHES:
        args = [key.encode()]
        if not key.isascii():
            args = ["CHARSET", "UTF-8", key.encode()]
        found = []
        for m, us in ((ours, uo), (dove, ud)):
            typ, data = m.uid("SEARCH", *args)
            found.append([msgs[us.index(int(u))][0] for u in data[0].split()] if typ == "OK" else [typ, data])
        if found[0] != found[1]:
            report("SEARCH " + key, found[0], found[1])
    # COPY and MOVE keep each message's flags, internal date and size.
    for verb in ("COPY", "MOVE"):
        got = []
        for m in (ours, dove):
            m.select(FOLDER)
            m.delete(FOLDER + "-" + verb)
            m.create(FOLDER + "-" + verb)
            typ, data = m.uid(verb, "1:*", FOLDER + "-" + verb)
            assert typ == "OK", (verb, typ, data)
            m.select(FOLDER + "-" + verb)
            typ, data = m.fetch("1:*", "(FLAGS INTERNALDATE RFC822.SIZE)")
            got.append([norm("FLAGS", "OK", [d]) for d in data])
            assert len(got[-1]) == len(msgs), (verb, len(got[-1]), len(msgs))
            if verb == "MOVE":  # the messages go back for the searches below
                m.uid("MOVE", "1:*", FOLDER)
            m.select(FOLDER)
            m.delete(FOLDER + "-" + verb)
        if got[0] != got[1]:
            report(verb + " *", got[0], got[1])
        uo, ud = uids(ours), uids(dove)

    def compare_session(prefix, commands, run, ours_addr, dove_addr):
        """Runs a session on both servers; reports each command answered
        differently."""
        a = run(ours_addr, env["OURS_USER"], env["OURS_PASSWORD"])
        b = run(dove_addr, env["IMAP_USER"], env["IMAP_PASSWORD"])
        for cmd, x, y in zip(commands, a, b):
            if x != y:
                report(prefix + cmd, b"\n".join(x), b"\n".join(y))

    for m in (ours, dove):  # the session SELECTs the INBOX too: empty on both
        empty_inbox(m)
    compare_session("CMD ", SESSION, session, env["OURS_ADDR"], env["IMAP_ADDR"])
    for m in (ours, dove):  # the session's folders go
        for sub in ("/sub2/deeper", "/sub2", "/sub/deeper", "/sub", "/dest"):
            m.delete(FOLDER + sub)
        m.select(FOLDER)

    # POP3 serves the INBOX: it gets the same messages on both, alone.
    pops = []
    for m, addr, user, password in ((ours, env["OURS_POP3"], env["OURS_USER"], env["OURS_PASSWORD"]),
                                    (dove, env["POP3_ADDR"], env["IMAP_USER"], env["IMAP_PASSWORD"])):
        empty_inbox(m)
        for name, raw in msgs:
            typ, data = m.append("INBOX", None, None, raw)
            assert typ == "OK", ("APPEND INBOX", name, typ, data)
        host, port = addr.rsplit(":", 1)
        p = poplib.POP3(host, int(port))
        p.user(user)
        p.pass_(password)
        pops.append(p)
    assert pops[0].stat()[0] == pops[1].stat()[0] == len(msgs), (pops[0].stat(), pops[1].stat())
    for i, (name, _) in enumerate(msgs, 1):
        for cmd in ("LIST", "RETR", "TOP 0", "TOP 3"):
            got = []
            for p in pops:
                try:
                    if cmd == "LIST":
                        got.append(p.list(i))
                    elif cmd == "RETR":
                        got.append(p.retr(i)[1])
                    else:
                        got.append(p.top(i, int(cmd.split()[1]))[1])
                except poplib.error_proto as e:
                    got.append(repr(e))
            if got[0] != got[1]:
                report("POP3-" + cmd.replace(" ", "-") + " " + name, got[0], got[1])
    for p in pops:
        p.quit()
    compare_session("POP3-CMD ", POP3_SESSION, pop3_session, env["OURS_POP3"], env["POP3_ADDR"])
    # An entry naming a message this run does not have (the upstream
    # corpus is missing) cannot have gone.
    names = {name for name, _ in msgs}
    gone = [k for k in expected if k not in seen and not (k.endswith(".eml") and k.split()[-1] not in names)]
    for k in gone:
        print("GONE: %s no longer differs: take it out of %s" % (k, env["EXPECTED"]))
    for m in (ours, dove):
        m.close()
        m.delete(FOLDER)
        m.logout()
    print("%d messages, %d items, %d searches, COPY, MOVE and 4 POP3 commands each, a session of %d IMAP and one of %d "
          "POP3 commands: %d differences accepted, %d not, %d listed ones gone"
          % (len(msgs), len(ITEMS), len(SEARCHES), len(SESSION), len(POP3_SESSION), accepted, diffs, len(gone)))
    sys.exit(1 if diffs or gone else 0)


main()
