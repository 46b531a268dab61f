#!/bin/bash
# mbsync (isync) against an IMAP server: a full two-way sync of the INBOX
# with a local Maildir, then a run that must change nothing.
#
#   1. First sync: the server's messages are pulled, byte for byte.
#   2. Changes on both sides: a new message in the local Maildir, \Flagged
#      set locally on message 1 (the Maildir F flag), \Flagged set on the
#      server on message 2 (by python3 imaplib).
#   3. Second sync: the new message is on the server, message 1 is
#      \Flagged there, message 2's local file has F.
#   4. Third sync: mbsync reports no change on either side, and neither
#      the Maildir nor the server's UIDs and flags differ from before it.
#
# Environment: IMAP_ADDR (host:port), IMAP_USER, IMAP_PASSWORD, EXPECT_DIR
# (the INBOX's messages, 1.eml, 2.eml, ... in delivery order). Prints
# "ok: ..." per check; on the first failure "FAIL: <step>: expected ...,
# got ..." with mbsync's output, and exit 1.
: "${IMAP_ADDR:?}" "${IMAP_USER:?}" "${IMAP_PASSWORD:?}"
CHECK_NAME=mbsync CHECK_LOG=mbsync.out
. "$(dirname "$0")/common.sh"
HOST=${IMAP_ADDR%:*}
PORT=${IMAP_ADDR##*:}
MD=$TMP/mail
mkdir -p "$MD"

printf '%s' "$IMAP_PASSWORD" >"$TMP/pass"
cat >"$TMP/mbsyncrc" <<EOF
IMAPAccount server
Host $HOST
Port $PORT
User $IMAP_USER
PassCmd "cat $TMP/pass"
SSLType None
AuthMechs LOGIN
Timeout 30
PipelineDepth 1

IMAPStore far
Account server

MaildirStore near
Path $MD/
Inbox $MD/INBOX
SubFolders Verbatim

Channel inbox
Far :far:
Near :near:
Patterns INBOX
Create Both
Expunge None
Sync All
SyncState *
EOF

# sync LABEL: one mbsync run, which must succeed.
run_mbsync() {
	if command -v script >/dev/null; then
		# On a terminal mbsync ends with its progress counters: run it on
		# one (script(1)) to read them.
		script -qec "mbsync -c '$TMP/mbsyncrc' inbox" /dev/null >"$TMP/mbsync.out" 2>&1
	else
		mbsync -c "$TMP/mbsyncrc" -V inbox >"$TMP/mbsync.out" 2>&1
	fi
	local st=$?
	[ $st = 0 ] || fail "$1 (mbsync -V inbox)" "exit 0" "exit $st"
	cp "$TMP/mbsync.out" "$TMP/mbsync-$2.out"
}
# counters N: mbsync's last progress line of run N, "F: +a/b *c/d #e/f  N:
# ..." (far side, near side: messages added, flags changed, trashed), or
# nothing when it was not run on a terminal.
counters() { tr '\r' '\n' <"$TMP/mbsync-$1.out" | grep -E '^C: 1/1 ' | tail -1 | sed 's/^C: 1\/1  B: 1\/1  //'; }
# want_counters STEP N PATTERN: run N's counters match PATTERN (an ERE).
want_counters() {
	local c
	c=$(counters "$2")
	[ -z "$c" ] && return 0
	echo "$c" | grep -qE "^$3\$" || fail "$1" "mbsync's counters matching $3" "$c"
}

# server_state: "UID FLAGS" per message of the server's INBOX, and for each
# the Message-ID, one line each, by imaplib.
server() {
	IMAP_HOST=$HOST IMAP_PORT=$PORT python3 - "$@" <<'EOF'
import imaplib, os, re, sys
M = imaplib.IMAP4(os.environ["IMAP_HOST"], int(os.environ["IMAP_PORT"]), timeout=30)
M.login(os.environ["IMAP_USER"], os.environ["IMAP_PASSWORD"])
M.select("INBOX")
if sys.argv[1:2] == ["flag"]:
    typ, data = M.uid("STORE", sys.argv[2], "+FLAGS", "(\\Flagged)")
    assert typ == "OK", (typ, data)
    sys.exit(0)
typ, data = M.fetch("1:*", "(UID FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
assert typ == "OK", (typ, data)
for d in data:
    if not isinstance(d, tuple):
        continue
    uid = re.search(rb"UID (\d+)", d[0]).group(1).decode()
    flags = sorted(re.search(rb"FLAGS \(([^)]*)\)", d[0]).group(1).decode().split())
    mid = re.sub(r"(?i)^message-id:\s*", "", d[1].decode().strip())
    print(uid, ",".join(f for f in flags if f != "\\Recent") or "-", mid)
M.logout()
EOF
}

# unix FILE: FILE with LF line ends and without the X-TUID header mbsync
# adds while it propagates a message: what a Maildir holds of a message.
unix() { tr -d '\r' <"$1" | grep -v '^X-TUID: '; }
# local_state: every Maildir file of the INBOX, name and checksum.
local_state() { (cd "$MD/INBOX" && find cur new -type f | sort | xargs -r sha256sum); }
# local_file MESSAGE-ID: the Maildir file holding that message.
local_file() { grep -rl --include='*' -F "Message-ID: <$1>" "$MD/INBOX/cur" "$MD/INBOX/new" 2>/dev/null | head -1; }

# --- 1. First sync pulls everything.
run_mbsync "first sync" 1
[ "$(find "$MD/INBOX/cur" "$MD/INBOX/new" -type f | wc -l)" = "$N" ] ||
	fail "first sync" "$N messages in the Maildir" "$(find "$MD/INBOX" -type f | grep -v mbsync)"
for f in "${FILES[@]}"; do
	mid=$(sed -n 's/^Message-ID: <\(.*\)>\r$/\1/p' "$f")
	got=$(local_file "$mid")
	[ -n "$got" ] && cmp -s <(unix "$got") <(unix "$f") ||
		fail "first sync" "$f byte for byte in the Maildir (with LF line ends)" "${got:-no file with Message-ID $mid}"
done
want_counters "first sync" 1 "F: \\+0/0 \\*0/0 #0/0  N: \\+$N/$N \\*0/0 #0/0"
ok "first sync: $N messages pulled byte-exact (but for the LF line ends and X-TUID header a Maildir gets)"

# --- 2. Changes on both sides.
server >"$TMP/server-1"
mid1=$(sed -n 's/^Message-ID: <\(.*\)>\r$/\1/p' "${FILES[0]}")
mid2=$(sed -n 's/^Message-ID: <\(.*\)>\r$/\1/p' "${FILES[1]}")
f1=$(local_file "$mid1")
case $f1 in
*:2,*) mv "$f1" "$(dirname "$f1" | sed 's|/new$|/cur|')/$(basename "${f1%%:2,*}"):2,$(echo "${f1##*:2,}F" | fold -w1 | sort | tr -d '\n')" ;;
*) mv "$f1" "$MD/INBOX/cur/$(basename "$f1"):2,F" ;;
esac
uid2=$(awk -v m="<$mid2>" '$3 == m { print $1 }' "$TMP/server-1")
[ -n "$uid2" ] || fail "finding message 2 on the server" "Message-ID <$mid2>" "$(cat "$TMP/server-1")"
server flag "$uid2" || fail "UID STORE $uid2 +FLAGS (\\Flagged) by imaplib" "OK" "an error"
NEW_MID=mbsync-new-$$@example.org
printf 'From: Near Side <near@example.org>\r\nTo: %s\r\nSubject: Written in the local Maildir\r\nDate: Sat, 28 Nov 2026 09:00:00 +0000\r\nMessage-ID: <%s>\r\n\r\nPushed by mbsync.\r\n' \
	"$IMAP_USER" "$NEW_MID" >"$TMP/new.eml"
cp "$TMP/new.eml" "$MD/INBOX/new/$(date +%s).$$_1.mbsync-check"
ok "changes: local message added, local F on message 1, server \\Flagged on message 2 (UID $uid2)"

# --- 3. Second sync carries them over.
run_mbsync "second sync" 2
c2=$(counters 2)
server >"$TMP/server-2"
[ "$(wc -l <"$TMP/server-2")" = $((N + 1)) ] || fail "second sync" "$((N + 1)) messages on the server" "$(cat "$TMP/server-2")"
grep -q " <$NEW_MID>\$" "$TMP/server-2" || fail "second sync" "the local message on the server" "$(cat "$TMP/server-2")"
awk -v m="<$mid1>" '$3 == m' "$TMP/server-2" | grep -q '\\Flagged' ||
	fail "second sync" "message 1 \\Flagged on the server" "$(cat "$TMP/server-2")"
f2=$(local_file "$mid2")
case $f2 in
*:2,*F*) ;;
*) fail "second sync" "message 2's Maildir file with the F flag" "${f2:-no file}" ;;
esac
want_counters "second sync" 2 "F: \\+1/1 \\*1/1 #0/0  N: \\+0/0 \\*1/1 #0/0"
ok "second sync: local message pushed, \\Flagged both ways${c2:+ (counters $c2)}"

# --- 4. A third sync changes nothing.
local_state >"$TMP/local-before"
run_mbsync "third sync" 3
server >"$TMP/server-3"
local_state >"$TMP/local-after"
cmp -s "$TMP/server-2" "$TMP/server-3" || fail "third sync" "the server unchanged: $(cat "$TMP/server-2")" "$(cat "$TMP/server-3")"
cmp -s "$TMP/local-before" "$TMP/local-after" ||
	fail "third sync" "the Maildir unchanged" "$(diff "$TMP/local-before" "$TMP/local-after")"
want_counters "third sync" 3 "F: \\+0/0 \\*0/0 #0/0  N: \\+0/0 \\*0/0 #0/0"
c3=$(counters 3)
ok "third sync: nothing changed (server UIDs and flags, Maildir files${c3:+, counters $c3})"
echo "mbsync: all checks passed"
