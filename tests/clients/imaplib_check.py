#!/usr/bin/env python3
"""Python imaplib against an IMAP server, as a script a mail client would be.

Environment: IMAP_ADDR (host:port), IMAP_USER, IMAP_PASSWORD, EXPECT_DIR (the
messages the INBOX holds, 1.eml, 2.eml, ... in delivery order, nothing else);
IMAP_STARTTLS=1: the session starts TLS first (the certificate is not
verified) and asks ID (RFC 2971) under TLS.
Runs LOGIN, LIST, SELECT, FETCH, STORE, SEARCH, CREATE, COPY, APPEND,
EXPUNGE, DELETE and LOGOUT, asserting each answer; prints "ok: ..." per
check and, on the first failure, "FAIL: <command>: expected ..., got ..."
and exits 1. The INBOX is left as it was found.
"""
import glob
import imaplib
import os
import re
import ssl
import sys
import time

host, port = os.environ["IMAP_ADDR"].rsplit(":", 1)
user = os.environ["IMAP_USER"]
password = os.environ["IMAP_PASSWORD"]
files = sorted(glob.glob(os.path.join(os.environ["EXPECT_DIR"], "*.eml")),
               key=lambda p: int(os.path.basename(p).split(".")[0]))
expected = [open(p, "rb").read() for p in files]
FOLDER = "Client check"


def fail(cmd, want, got):
    print(f"FAIL: {cmd}: expected {want!r}, got {got!r}")
    sys.exit(1)


def ok(what):
    print(f"ok: {what}")


def check(cmd, typ, data):
    """Asserts a command's tagged OK and returns its data."""
    if typ != "OK":
        fail(cmd, "OK", (typ, data))
    return data


def fetch_parts(data):
    """Splits imaplib FETCH data into (header line, literal or None) pairs."""
    out = []
    for d in data:
        if isinstance(d, tuple):
            out.append((d[0], d[1]))
        elif d not in (b")", None):
            out.append((d, None))
    return out


try:
    M = imaplib.IMAP4(host, int(port), timeout=30)
except OSError as e:
    fail("connect", f"a greeting from {host}:{port}", str(e))
ok(f"greeting {M.welcome!r}")

if os.environ.get("IMAP_STARTTLS") == "1":
    if "STARTTLS" not in M.capabilities:
        fail("CAPABILITY", "STARTTLS", M.capabilities)
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    check("STARTTLS", *M.starttls(ssl_context=ctx))
    caps = M.capabilities
    if "STARTTLS" in caps or "ID" not in caps:
        fail("CAPABILITY after STARTTLS", "ID, no STARTTLS", caps)
    typ, data = M.xatom("ID", '("name" "imaplib")')
    if typ != "OK" or not any(b"gromox" in d for d in M.untagged_responses.pop("ID", [])):
        fail("ID under TLS", "OK and the server's ID", (typ, data))
    ok("STARTTLS, then ID under TLS")

caps = M.capabilities
if "IMAP4REV1" not in caps and "IMAP4REV2" not in caps:
    fail("CAPABILITY", "IMAP4rev1 or IMAP4rev2", caps)

# LOGIN: a wrong password is refused, the right one accepted.
try:
    M2 = imaplib.IMAP4(host, int(port), timeout=30)
    M2.login(user, password + "-wrong")
    fail("LOGIN with a wrong password", "NO", "OK")
except imaplib.IMAP4.error:
    ok("LOGIN with a wrong password refused")
check("LOGIN", *M.login(user, password))
ok("LOGIN")

# LIST: INBOX is there, with the hierarchy delimiter the folder tree uses.
data = check('LIST "" "*"', *M.list('""', "*"))
names = {}
for line in data:
    m = re.match(rb'\((?P<attrs>[^)]*)\) (?P<delim>"[^"]*"|NIL) (?P<name>.*)$', line)
    if not m:
        fail('LIST "" "*"', "a LIST response", line)
    name = m.group("name").decode()
    if name.startswith('"'):
        name = name[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    names[name.upper() if name.upper() == "INBOX" else name] = (m.group("attrs").decode(), m.group("delim").decode())
if "INBOX" not in names:
    fail('LIST "" "*"', "INBOX among the folders", sorted(names))
want_delim = os.environ.get("IMAP_DELIMITER", "/")
if names["INBOX"][1] != f'"{want_delim}"':
    fail('LIST "" "*"', f'delimiter "{want_delim}"', names["INBOX"][1])
ok(f"LIST: {len(names)} folders, INBOX with delimiter {names['INBOX'][1]}")
if FOLDER in names:  # left over by an interrupted run
    M.delete(f'"{FOLDER}"')

# SELECT INBOX: the delivered messages, nothing else.
data = check("SELECT INBOX", *M.select("INBOX"))
if int(data[0]) != len(expected):
    fail("SELECT INBOX", f"{len(expected)} EXISTS", data)
uidvalidity = M.response("UIDVALIDITY")[1]
ok(f"SELECT INBOX: {len(expected)} messages, UIDVALIDITY {uidvalidity}")

# FETCH: every message byte for byte, its size and its envelope.
data = check("FETCH 1:* (UID RFC822.SIZE FLAGS BODY.PEEK[])",
             *M.fetch("1:*", "(UID RFC822.SIZE FLAGS BODY.PEEK[])"))
parts = [p for p in fetch_parts(data) if p[1] is not None]
if len(parts) != len(expected):
    fail("FETCH 1:* BODY.PEEK[]", f"{len(expected)} messages", len(parts))
uids = []
for i, (head, body) in enumerate(parts):
    m = re.search(rb"UID (\d+)", head)
    s = re.search(rb"RFC822\.SIZE (\d+)", head)
    if not m or not s:
        fail(f"FETCH {i + 1}", "UID and RFC822.SIZE", head)
    uids.append(int(m.group(1)))
    if body != expected[i]:
        fail(f"FETCH {i + 1} BODY.PEEK[]", f"the bytes of {files[i]} ({len(expected[i])} bytes)", body[:200])
    if int(s.group(1)) != len(expected[i]):
        fail(f"FETCH {i + 1} RFC822.SIZE", len(expected[i]), int(s.group(1)))
    if re.search(rb"\\Seen", head):
        fail(f"FETCH {i + 1} FLAGS after BODY.PEEK[]", "no \\Seen", head)
if uids != sorted(uids) or len(set(uids)) != len(uids):
    fail("FETCH 1:* UID", "ascending UIDs", uids)
ok(f"FETCH 1:* BODY.PEEK[]: {len(parts)} messages byte-exact, UIDs {uids}")

data = check("FETCH 2 ENVELOPE", *M.fetch("2", "(ENVELOPE)"))
if b"Gr=C3=BC=C3=9Fe" not in data[0] and "Grüße".encode() not in data[0]:
    fail("FETCH 2 ENVELOPE", "the subject Grüße aus Zürich (encoded or not)", data[0])
if b"client-check-2@example.net" not in data[0]:
    fail("FETCH 2 ENVELOPE", "the Message-ID", data[0])
ok("FETCH 2 ENVELOPE")

data = check("FETCH 3 BODYSTRUCTURE", *M.fetch("3", "(BODYSTRUCTURE)"))
bs = data[0].upper()
if b'"MIXED"' not in bs or b'"APPLICATION" "OCTET-STREAM"' not in bs or b"REPORT.BIN" not in bs:
    fail("FETCH 3 BODYSTRUCTURE", "multipart/mixed with application/octet-stream report.bin", data[0])
ok("FETCH 3 BODYSTRUCTURE")

data = check("FETCH 1 BODY[HEADER.FIELDS (SUBJECT)]", *M.fetch("1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])"))
if data[0][1] != b"Subject: Client check one\r\n\r\n":
    fail("FETCH 1 BODY.PEEK[HEADER.FIELDS (SUBJECT)]", b"Subject: Client check one\r\n\r\n", data[0][1])
ok("FETCH 1 BODY.PEEK[HEADER.FIELDS (SUBJECT)]")

# STORE: \Flagged on message 1 and back; \Seen on message 2 and back.
data = check("STORE 1 +FLAGS (\\Flagged)", *M.store("1", "+FLAGS", "(\\Flagged)"))
if not data or b"\\Flagged" not in data[0]:
    fail("STORE 1 +FLAGS (\\Flagged)", "an untagged FETCH with \\Flagged", data)
data = check("FETCH 1 FLAGS", *M.fetch("1", "(FLAGS)"))
if b"\\Flagged" not in data[0]:
    fail("FETCH 1 FLAGS after STORE", "\\Flagged", data[0])
data = check("UID SEARCH FLAGGED", *M.uid("SEARCH", "FLAGGED"))
if data[0].split() != [str(uids[0]).encode()]:
    fail("UID SEARCH FLAGGED", [uids[0]], data[0])
check("STORE 1 -FLAGS (\\Flagged)", *M.store("1", "-FLAGS", "(\\Flagged)"))
data = check("FETCH 1 FLAGS", *M.fetch("1", "(FLAGS)"))
if b"\\Flagged" in data[0]:
    fail("FETCH 1 FLAGS after -FLAGS", "no \\Flagged", data[0])
check("UID STORE +FLAGS.SILENT (\\Seen)", *M.uid("STORE", str(uids[1]), "+FLAGS.SILENT", "(\\Seen)"))
data = check("UID SEARCH SEEN", *M.uid("SEARCH", "SEEN"))
if data[0].split() != [str(uids[1]).encode()]:
    fail("UID SEARCH SEEN", [uids[1]], data[0])
check("UID STORE -FLAGS.SILENT (\\Seen)", *M.uid("STORE", str(uids[1]), "-FLAGS.SILENT", "(\\Seen)"))
ok("STORE +FLAGS/-FLAGS, \\Flagged and \\Seen, seen by FETCH and SEARCH")

# SEARCH: a body word (in quoted-printable), a header, a size, ALL.
data = check("SEARCH BODY kumquat-orchard", *M.search(None, "BODY", "kumquat-orchard"))
if data[0].split() != [b"2"]:
    fail("SEARCH BODY kumquat-orchard", [b"2"], data[0])
data = check('SEARCH SUBJECT "client check"', *M.search(None, "SUBJECT", '"client check"'))
if data[0].split() != [b"1", b"3"]:
    fail('SEARCH SUBJECT "client check"', [b"1", b"3"], data[0])
data = check("UID SEARCH ALL", *M.uid("SEARCH", "ALL"))
if [int(u) for u in data[0].split()] != uids:
    fail("UID SEARCH ALL", uids, data[0])
data = check("SEARCH LARGER 600", *M.search(None, "LARGER", "600"))
want = [str(i + 1).encode() for i, b in enumerate(expected) if len(b) > 600]
if data[0].split() != want:
    fail("SEARCH LARGER 600", want, data[0])
data = check("SEARCH HEADER Message-ID", *M.search(None, "HEADER", "Message-ID", "client-check-3"))
if data[0].split() != [b"3"]:
    fail("SEARCH HEADER Message-ID client-check-3", [b"3"], data[0])
ok("SEARCH BODY, SUBJECT, ALL, LARGER, HEADER")

# CREATE + COPY: the copies are byte-exact in the new folder, the INBOX
# keeps its messages.
check(f'CREATE "{FOLDER}"', *M.create(f'"{FOLDER}"'))
data = check(f'LIST "" "{FOLDER}"', *M.list('""', f'"{FOLDER}"'))
if not data or data[0] is None or FOLDER.encode() not in data[0]:
    fail(f'LIST "" "{FOLDER}"', "the new folder", data)
check(f'COPY 1:2 "{FOLDER}"', *M.copy("1:2", f'"{FOLDER}"'))
data = check("SELECT INBOX", *M.select("INBOX"))
if int(data[0]) != len(expected):
    fail("SELECT INBOX after COPY", len(expected), data)
data = check(f'SELECT "{FOLDER}"', *M.select(f'"{FOLDER}"'))
if int(data[0]) != 2:
    fail(f'SELECT "{FOLDER}" after COPY 1:2', "2 EXISTS", data)
data = check("FETCH 1:* BODY.PEEK[]", *M.fetch("1:*", "(BODY.PEEK[])"))
bodies = [p[1] for p in fetch_parts(data) if p[1] is not None]
if bodies != expected[:2]:
    fail(f"FETCH 1:* BODY.PEEK[] in {FOLDER}", "the bytes of messages 1 and 2", [b[:60] for b in bodies])
ok("CREATE, COPY 1:2, copies byte-exact")

# APPEND with a flag and a date: kept as given.
new = (b"From: Carol <carol@example.org>\r\nTo: clients@gromox.test\r\nSubject: Appended by imaplib\r\n"
       b"Date: Thu, 26 Nov 2026 08:00:00 +0000\r\nMessage-ID: <client-check-append@example.org>\r\n\r\n"
       b"Appended with \\Seen and an internal date.\r\n")
APPEND_TIME = 1795680000  # 2026-11-26 08:00:00 UTC
date = imaplib.Time2Internaldate(APPEND_TIME)
typ, data = M.append(f'"{FOLDER}"', "(\\Seen)", date, new)
check(f'APPEND "{FOLDER}" (\\Seen) {date}', typ, data)
data = check("NOOP", *M.noop())
data = check("FETCH 3 (FLAGS INTERNALDATE BODY.PEEK[])", *M.fetch("3", "(FLAGS INTERNALDATE BODY.PEEK[])"))
parts = fetch_parts(data)
if not parts or parts[0][1] != new:
    fail("FETCH 3 BODY.PEEK[] after APPEND", new, parts)
if b"\\Seen" not in parts[0][0]:
    fail("FETCH 3 FLAGS after APPEND (\\Seen)", "\\Seen", parts[0][0])
tt = imaplib.Internaldate2tuple(parts[0][0])
if tt is None or int(time.mktime(tt)) != APPEND_TIME:
    fail("FETCH 3 INTERNALDATE after APPEND", date, parts[0][0])
ok("APPEND with \\Seen and a date, kept")

# EXPUNGE: \Deleted on message 1, EXPUNGE answers "* 1 EXPUNGE".
check("STORE 1 +FLAGS.SILENT (\\Deleted)", *M.store("1", "+FLAGS.SILENT", "(\\Deleted)"))
typ, data = M.expunge()
check("EXPUNGE", typ, data)
if data != [b"1"]:
    fail("EXPUNGE", [b"1"], data)
data = check(f'SELECT "{FOLDER}"', *M.select(f'"{FOLDER}"'))
if int(data[0]) != 2:
    fail(f'SELECT "{FOLDER}" after EXPUNGE', "2 EXISTS", data)
data = check("FETCH 1 BODY.PEEK[]", *M.fetch("1", "(BODY.PEEK[])"))
if fetch_parts(data)[0][1] != expected[1]:
    fail("FETCH 1 BODY.PEEK[] after EXPUNGE", "message 2's bytes", fetch_parts(data)[0][1][:60])
ok("STORE \\Deleted, EXPUNGE")

# Clean up: DELETE the folder; the INBOX is as it was.
check("CLOSE", *M.close())
check(f'DELETE "{FOLDER}"', *M.delete(f'"{FOLDER}"'))
data = check('LIST "" "*"', *M.list('""', "*"))
if any(d and FOLDER.encode() in d for d in data):
    fail(f'LIST after DELETE "{FOLDER}"', "no such folder", data)
data = check("EXAMINE INBOX", *M.select("INBOX", readonly=True))
if int(data[0]) != len(expected):
    fail("EXAMINE INBOX at the end", len(expected), data)
typ, data = M.logout()
if typ != "BYE":
    fail("LOGOUT", "BYE", (typ, data))
ok("DELETE, EXAMINE, LOGOUT")
print("imaplib: all checks passed")
