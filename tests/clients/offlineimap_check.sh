#!/bin/bash
# OfflineIMAP (Debian's offlineimap3) against an IMAP server: a two-way sync
# of every folder with a local Maildir tree, folder names with non-ASCII
# characters both ways (modified UTF-7 on the wire, UTF-8 in the Maildir:
# the account's utf8foldernames), then a run that must change nothing.
#
#   1. Before the first sync, the server gets a folder
#      "Projekte/Über Ordner" (created by imaplib as "Projekte/&ANw-ber
#      Ordner") holding one \Seen message.
#   2. First sync: every folder is made locally under its UTF-8 name, the
#      INBOX's messages pulled byte for byte, the folder's message with S.
#   3. Changes on both sides. Locally: F on message 1, message 2's file
#      removed, new folders Lokal and "Lokal/Neu Ü" with a message in the
#      second. On the server (imaplib): \Seen on message 3, a message
#      APPENDed to the INBOX, the message of "Projekte/Über Ordner"
#      expunged.
#   4. Second sync: message 2 is expunged on the server, message 1
#      \Flagged there, "Lokal/Neu &ANw-" exists with the local message byte
#      for byte; locally message 3 has S, the APPENDed message is there,
#      "Projekte/Über Ordner" is empty.
#   5. Third sync: offlineimap copies, deletes, flags and creates nothing,
#      and neither the Maildir nor the server's folders, UIDs and flags
#      differ from before it.
#
# Environment: IMAP_ADDR (host:port), IMAP_USER, IMAP_PASSWORD, EXPECT_DIR
# (the INBOX's messages, 1.eml, 2.eml, ... in delivery order). Prints
# "ok: ..." per check; on the first failure "FAIL: <step>: expected ...,
# got ..." with offlineimap's output, and exit 1.
: "${IMAP_ADDR:?}" "${IMAP_USER:?}" "${IMAP_PASSWORD:?}"
CHECK_NAME=offlineimap CHECK_LOG=oi.out
. "$(dirname "$0")/common.sh"
[ "$N" -ge 3 ] || fail "setup" "at least 3 messages in $EXPECT_DIR" "$N"
HOST=${IMAP_ADDR%:*}
PORT=${IMAP_ADDR##*:}
MD=$TMP/mail
mkdir -p "$MD"
export IMAP_HOST=$HOST IMAP_PORT=$PORT

cat >"$TMP/rc" <<EOF
[general]
accounts = a
metadata = $TMP/meta
ui = basic

[Account a]
localrepository = near
remoterepository = far
utf8foldernames = yes

[Repository near]
type = Maildir
localfolders = $MD
sep = /

[Repository far]
type = IMAP
remotehost = $HOST
remoteport = $PORT
remoteuser = $IMAP_USER
remotepass = $IMAP_PASSWORD
ssl = no
starttls = no
maxconnections = 1
EOF

# run_oi STEP N: one offlineimap run (one-shot), which must succeed and
# report no error; its output is kept as oi-N.out.
run_oi() {
	timeout 120 offlineimap -c "$TMP/rc" -o >"$TMP/oi.out" 2>&1
	local st=$?
	[ $st = 0 ] || fail "$1 (offlineimap -o)" "exit 0" "exit $st"
	grep -qiE '^ *(ERROR|WARNING)' "$TMP/oi.out" && fail "$1" "no ERROR or WARNING from offlineimap" "$(grep -iE '^ *(ERROR|WARNING)' "$TMP/oi.out" | head -3)"
	cp "$TMP/oi.out" "$TMP/oi-$2.out"
}

# server CMD...: the server side, by python3's imaplib.
#   state: every folder, each message's "FOLDER<TAB>UID<TAB>FLAGS<TAB>MESSAGE-ID"
#   setup: the "Projekte/Über Ordner" folder with one \Seen message
#   change UID: \Seen on UID of the INBOX, a message APPENDed to the INBOX,
#          the folder's message expunged
#   body FOLDER MESSAGE-ID: that message's bytes, to stdout
#   folders: the names of the folders LIST shows, decoded from modified
#          UTF-7 (RFC 3501 5.1.3) to UTF-8
server() {
	python3 - "$@" <<'EOF'
import imaplib, os, re, sys
M = imaplib.IMAP4(os.environ["IMAP_HOST"], int(os.environ["IMAP_PORT"]), timeout=30)
M.login(os.environ["IMAP_USER"], os.environ["IMAP_PASSWORD"])
FOLDER = '"Projekte/&ANw-ber Ordner"'
def ok(r):
    assert r[0] == "OK", r
    return r[1]
cmd = sys.argv[1]
if cmd == "setup":
    ok(M.create(FOLDER))
    ok(M.append(FOLDER, "(\\Seen)", None, b"From: Far Side <far@example.org>\r\nSubject: In a folder with an umlaut\r\nMessage-ID: <umlaut-folder@example.org>\r\n\r\nServer side.\r\n"))
elif cmd == "change":
    ok(M.select("INBOX"))
    ok(M.uid("STORE", sys.argv[2], "+FLAGS", "(\\Seen)"))
    ok(M.append("INBOX", None, None, b"From: Far Side <far@example.org>\r\nSubject: Appended on the server\r\nMessage-ID: <server-new@example.org>\r\nDate: Sat, 28 Nov 2026 10:00:00 +0000\r\n\r\nPulled by offlineimap.\r\n"))
    ok(M.select(FOLDER))
    ok(M.store("1:*", "+FLAGS", "(\\Deleted)"))
    ok(M.expunge())
elif cmd == "body":
    ok(M.select(sys.argv[2], readonly=True))
    uids = ok(M.uid("SEARCH", "HEADER", "Message-ID", sys.argv[3]))[0].split()
    assert len(uids) == 1, uids
    data = ok(M.uid("FETCH", uids[0], "(BODY.PEEK[])"))
    sys.stdout.buffer.write(data[0][1])
elif cmd == "folders":
    import base64
    def decode(n):
        return re.sub(r"&([^-]*)-", lambda m: "&" if not m.group(1) else
            base64.b64decode(m.group(1).replace(",", "/") + "=" * (-len(m.group(1)) % 4)).decode("utf-16-be"), n)
    for l in ok(M.list('""', "*")):
        m = re.match(rb'\(([^)]*)\) "/" (.*)$', l)
        if b"\\Noselect" not in m.group(1):
            print(decode(m.group(2).decode().strip('"')))
elif cmd == "state":
    names = []
    for l in ok(M.list('""', "*")):
        m = re.match(rb'\(([^)]*)\) "/" (.*)$', l)
        if b"\\Noselect" in m.group(1):
            continue
        names.append(m.group(2).decode().strip('"'))
    for n in sorted(names):
        typ, data = M.select('"' + n + '"', readonly=True)
        assert typ == "OK", (n, typ, data)
        if data[0] == b"0":
            print(n)
            continue
        for d in ok(M.fetch("1:*", "(UID FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")):
            if not isinstance(d, tuple):
                continue
            uid = re.search(rb"UID (\d+)", d[0]).group(1).decode()
            flags = sorted(re.search(rb"FLAGS \(([^)]*)\)", d[0]).group(1).decode().split())
            mid = re.sub(r"(?i)^message-id:\s*", "", d[1].decode().strip())
            print(n, uid, ",".join(flags) or "-", mid, sep="\t")
M.logout()
EOF
}

# unix FILE: FILE with LF line ends, as a Maildir holds it.
unix() { tr -d '\r' <"$1"; }
# mid FILE: a message file's Message-ID, without the brackets.
mid() { sed -n 's/^Message-ID: <\(.*\)>\r\{0,1\}$/\1/p' "$1" | head -1; }
# local_file FOLDER MESSAGE-ID: the Maildir file holding that message.
local_file() { grep -rl -F "Message-ID: <$2>" "$MD/$1/cur" "$MD/$1/new" 2>/dev/null | head -1; }
# local_state: every Maildir file, its folder, flags and checksum (not its
# name's unique part, which offlineimap keeps).
local_state() { (cd "$MD" && find . -type f -path '*/cur/*' -o -type f -path '*/new/*' | sort | xargs -r -d '\n' sha256sum); }
# flags FILE: the Maildir flags of a file name.
flags() { case $1 in *:2,*) echo "${1##*:2,}" ;; *) echo "" ;; esac; }

# --- 1. The server's folder with an umlaut.
server setup || fail "setup" "CREATE and APPEND of \"Projekte/&ANw-ber Ordner\" by imaplib to succeed" "an error"

# --- 2. First sync.
run_oi "first sync" 1
server folders >"$TMP/folders" || fail "reading the server" "imaplib to succeed" "an error"
grep -qx "Projekte/Über Ordner" "$TMP/folders" || fail "first sync" "the server to list \"Projekte/Über Ordner\"" "$(cat "$TMP/folders")"
while read -r d; do
	[ -d "$MD/$d/cur" ] || fail "first sync" "the Maildir \"$d\"" "$(cd "$MD" && find . -type d -name cur | sort | tr '\n' ' ')"
done <"$TMP/folders"
[ "$(find "$MD/INBOX/cur" "$MD/INBOX/new" -type f | wc -l)" = "$N" ] ||
	fail "first sync" "$N messages in the INBOX's Maildir" "$(find "$MD/INBOX" -type f)"
for f in "${FILES[@]}"; do
	got=$(local_file INBOX "$(mid "$f")")
	[ -n "$got" ] && cmp -s <(unix "$got") <(unix "$f") ||
		fail "first sync" "$f byte for byte in the Maildir (with LF line ends)" "${got:-no file with Message-ID $(mid "$f")}"
done
uf=$(local_file "Projekte/Über Ordner" umlaut-folder@example.org)
[ -n "$uf" ] && [ "$(flags "$uf")" = S ] || fail "first sync" "the folder's message with the flag S" "${uf:-no file}"
ok "first sync: every folder made locally (\"Projekte/Über Ordner\" by its UTF-8 name), $N INBOX messages byte-exact, the folder's message \\Seen"

# --- 3. Changes on both sides.
server state >"$TMP/server-1" || fail "reading the server" "imaplib to succeed" "an error"
mid1=$(mid "${FILES[0]}") mid2=$(mid "${FILES[1]}") mid3=$(mid "${FILES[2]}")
f1=$(local_file INBOX "$mid1")
mv "$f1" "$MD/INBOX/cur/$(basename "${f1%%:2,*}"):2,$(echo "$(flags "$f1")F" | fold -w1 | sort | tr -d '\n')"
rm "$(local_file INBOX "$mid2")"
for d in Lokal "Lokal/Neu Ü"; do mkdir -p "$MD/$d/cur" "$MD/$d/new" "$MD/$d/tmp"; done
NEW_MID=offlineimap-new-$$@example.org
printf 'From: Near Side <near@example.org>\nTo: %s\nSubject: Written in a new local folder\nDate: Sat, 28 Nov 2026 09:00:00 +0000\nMessage-ID: <%s>\n\nPushed by offlineimap.\n' \
	"$IMAP_USER" "$NEW_MID" >"$TMP/new.eml"
cp "$TMP/new.eml" "$MD/Lokal/Neu Ü/new/$(date +%s).$$_1.offlineimap-check"
uid3=$(awk -F'\t' -v m="<$mid3>" '$1 == "INBOX" && $4 == m { print $2 }' "$TMP/server-1")
[ -n "$uid3" ] || fail "finding message 3 on the server" "Message-ID <$mid3>" "$(cat "$TMP/server-1")"
server change "$uid3" || fail "server changes by imaplib" "OK" "an error"
ok "changes: locally F on message 1, message 2 removed, folder \"Lokal/Neu Ü\" with a message; on the server \\Seen on message 3 (UID $uid3), a message APPENDed, the umlaut folder emptied"

# --- 4. Second sync.
run_oi "second sync" 2
server state >"$TMP/server-2" || fail "reading the server" "imaplib to succeed" "an error"
srv() { awk -F'\t' -v f="$1" -v m="<$2>" '$1 == f && $4 == m' "$TMP/server-2"; }
[ -z "$(srv INBOX "$mid2")" ] || fail "second sync" "message 2 expunged on the server" "$(cat "$TMP/server-2")"
srv INBOX "$mid1" | grep -q '\\Flagged' || fail "second sync" "message 1 \\Flagged on the server" "$(cat "$TMP/server-2")"
[ -n "$(srv "Lokal/Neu &ANw-" "$NEW_MID")" ] || fail "second sync" "the local message in \"Lokal/Neu &ANw-\" on the server" "$(cat "$TMP/server-2")"
server body "\"Lokal/Neu &ANw-\"" "<$NEW_MID>" >"$TMP/pushed.eml" || fail "second sync" "the pushed message readable" "an error"
cmp -s <(unix "$TMP/pushed.eml") "$TMP/new.eml" || fail "second sync" "the pushed message byte for byte (but for CRLF)" "$(diff <(unix "$TMP/pushed.eml") "$TMP/new.eml")"
f3=$(local_file INBOX "$mid3")
case $(flags "$f3") in *S*) ;; *) fail "second sync" "message 3's Maildir file with the flag S" "${f3:-no file}" ;; esac
[ -n "$(local_file INBOX server-new@example.org)" ] || fail "second sync" "the message APPENDed on the server in the local INBOX" "$(ls "$MD/INBOX"/*)"
[ -z "$(find "$MD/Projekte/Über Ordner/cur" "$MD/Projekte/Über Ordner/new" -type f)" ] ||
	fail "second sync" "the local \"Projekte/Über Ordner\" empty" "$(find "$MD/Projekte/Über Ordner" -type f)"
ok "second sync: deletion, \\Flagged and a new folder \"Lokal/Neu &ANw-\" with its message pushed; \\Seen, a new message and an expunge pulled"

# --- 5. A third sync changes nothing.
local_state >"$TMP/local-before"
run_oi "third sync" 3
server state >"$TMP/server-3" || fail "reading the server" "imaplib to succeed" "an error"
local_state >"$TMP/local-after"
acted=$(grep -E '^(Copy message|Deleting|Adding flag|Removing flag|Creating folder)' "$TMP/oi-3.out")
[ -z "$acted" ] || fail "third sync" "offlineimap to do nothing" "$acted"
cmp -s "$TMP/server-2" "$TMP/server-3" || fail "third sync" "the server unchanged" "$(diff "$TMP/server-2" "$TMP/server-3")"
cmp -s "$TMP/local-before" "$TMP/local-after" || fail "third sync" "the Maildir unchanged" "$(diff "$TMP/local-before" "$TMP/local-after")"
ok "third sync: nothing copied, deleted, flagged or created; server folders, UIDs and flags and the Maildir unchanged"
echo "offlineimap: all checks passed"
