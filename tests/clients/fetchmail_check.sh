#!/bin/bash
# fetchmail against the server's IMAP and POP3: what a user who collects
# mail with it sees, each message handed to an MDA that files it.
#
#   1. IMAP, keep: every (unseen) INBOX message is fetched byte for byte;
#      fetchmail marks them \Seen.
#   2. IMAP again: no mail (they are \Seen now, as the server must say).
#   3. POP3, keep, UIDL: every message again, by TOP, byte for byte.
#   4. POP3 again: no mail (fetchmail remembers the UIDLs, which must not
#      change between sessions).
#   5. A message delivered over LMTP; POP3 again: that one only.
#   6. POP3, all, no keep: everything fetched and DELEted; the maildrop
#      is empty afterwards (STAT by python3's poplib, and the IMAP INBOX).
#   7. IMAP with IDLE (fetchmail as a daemon polling every 300 s): a
#      message delivered while it waits in IDLE is fetched within seconds,
#      after the server's untagged EXISTS.
#
# Environment: IMAP_ADDR and POP3_ADDR and LMTP_ADDR (host:port),
# IMAP_USER, IMAP_PASSWORD, EXPECT_DIR (the INBOX's messages, 1.eml,
# 2.eml, ... in delivery order). Prints "ok: ..." per check; on the first
# failure "FAIL: <step>: expected ..., got ..." with fetchmail's output,
# and exit 1.
: "${IMAP_ADDR:?}" "${POP3_ADDR:?}" "${LMTP_ADDR:?}" "${IMAP_USER:?}" "${IMAP_PASSWORD:?}"
CHECK_NAME=fetchmail CHECK_LOG=fm.out
. "$(dirname "$0")/common.sh"
export HOME=$TMP # fetchmail keeps its UIDLs in ~/.fetchids

# The MDA files each message as out/N.msg, N counting from 1 per run.
cat >"$TMP/mda" <<EOF
#!/bin/sh
n=\$(ls "$TMP/out" | wc -l)
exec cat >"$TMP/out/\$((n + 1)).msg"
EOF
chmod +x "$TMP/mda"
# Quote for fetchmailrc's strings.
q() { printf '"%s"' "$(printf '%s' "$1" | sed 's/[\\"]/\\&/g')"; }

# setup PROTO [OPTIONS...]: the run control file for PROTO (IMAP or POP3)
# with these user options, and an empty out/.
setup() {
	local proto=$1 addr
	shift
	[ "$proto" = IMAP ] && addr=$IMAP_ADDR || addr=$POP3_ADDR
	{
		printf 'set no syslog\nset idfile %s\n' "$(q "$TMP/fetchids")"
		printf 'poll %s service %s protocol %s uidl no dns timeout 30\n' "${addr%:*}" "${addr##*:}" "$proto"
		printf '  auth password user %s password %s is %s here\n' "$(q "$IMAP_USER")" "$(q "$IMAP_PASSWORD")" "$(q "$(id -un)")"
		printf '  sslproto "" mda %s %s\n' "$(q "$TMP/mda")" "$*"
	} >"$TMP/rc"
	chmod 600 "$TMP/rc"
	rm -rf "$TMP/out"
	mkdir "$TMP/out"
}

# fetch PROTO STEP WANT [OPTIONS...]: one fetchmail run of PROTO that must
# end with status WANT (0: mail fetched, 1: no mail).
fetch() {
	local proto=$1 step=$2 want=$3
	shift 3
	setup "$proto" "$@"
	fetchmail -f "$TMP/rc" -v >"$TMP/fm.out" 2>&1
	local st=$?
	[ $st = "$want" ] || fail "$step" "fetchmail status $want" "status $st"
}

# body FILE: a filed message without the trace fields at its top (the
# Received: fetchmail puts first, and those a delivery may add: RFC 5321
# 4.4), with LF line ends (what an MDA gets from fetchmail).
body() {
	tr -d '\r' <"$1" | awk 'top && /^[ \t]/ { next }
		top && /^(Received|Return-Path|Delivered-To):/ { next }
		{ top = 0; print }' top=1
}
# want_files STEP FILE...: the MDA got exactly these messages, in order,
# byte for byte (but for the line ends and the trace fields at the top).
want_files() {
	local step=$1 i=0 f got
	shift
	got=$(ls "$TMP/out" | wc -l)
	[ "$got" = $# ] || fail "$step" "$# messages filed" "$got"
	for f in "$@"; do
		i=$((i + 1))
		cmp -s <(body "$TMP/out/$i.msg") <(tr -d '\r' <"$f") ||
			fail "$step" "message $i to be $f byte for byte" "$(diff <(body "$TMP/out/$i.msg") <(tr -d '\r' <"$f") | head -10)"
	done
}

# --- 1. IMAP, keep.
fetch IMAP "IMAP fetch" 0 keep
want_files "IMAP fetch" "${FILES[@]}"
ok "IMAP: $N messages fetched byte for byte"

# --- 2. IMAP again: nothing unseen is left.
fetch IMAP "second IMAP fetch" 1 keep
want_files "second IMAP fetch"
ok "IMAP again: no mail (fetchmail's \\Seen kept)"

# --- 3. POP3, keep, UIDL.
fetch POP3 "POP3 fetch" 0 keep
want_files "POP3 fetch" "${FILES[@]}"
grep -q 'POP3> TOP\|POP3> RETR' "$TMP/fm.out" || fail "POP3 fetch" "TOP or RETR in fetchmail's dialogue" "neither"
ok "POP3: $N messages fetched byte for byte ($(grep -oE 'POP3> (TOP|RETR)' "$TMP/fm.out" | sort -u | cut -c7- | tr '\n' ' ')used)"

# --- 4. POP3 again: the UIDLs are the same.
fetch POP3 "second POP3 fetch" 1 keep
want_files "second POP3 fetch"
ok "POP3 again: no mail (the UIDLs did not change between sessions)"

# deliver FILE SUBJECT: a new message written to FILE and delivered over LMTP.
deliver() {
	printf 'From: Late Sender <late@example.org>\r\nTo: %s\r\nSubject: %s\r\nDate: Sat, 28 Nov 2026 11:00:00 +0000\r\nMessage-ID: <fetchmail-%s-%s@example.org>\r\n\r\nOnly this one is new.\r\n' \
		"$IMAP_USER" "$2" "$(basename "$1" .eml)" "$$" >"$1"
	LMTP_HOST=${LMTP_ADDR%:*} LMTP_PORT=${LMTP_ADDR##*:} python3 - "$1" <<'EOF' || fail "LMTP delivery of $2" "250" "an error"
import os, smtplib, sys
l = smtplib.LMTP(os.environ["LMTP_HOST"], int(os.environ["LMTP_PORT"]))
l.ehlo("fetchmail-check")
l.sendmail("late@example.org", [os.environ["IMAP_USER"]], open(sys.argv[1], "rb").read())
l.quit()
EOF
}

# --- 5. One new message.
deliver "$TMP/new.eml" "Delivered between two fetches"
fetch POP3 "POP3 fetch of the new message" 0 keep
want_files "POP3 fetch of the new message" "$TMP/new.eml"
ok "POP3 after a delivery: the new message only"

# --- 6. Everything, deleted from the server.
fetch POP3 "POP3 fetch and delete" 0 fetchall nokeep
want_files "POP3 fetch and delete" "${FILES[@]}" "$TMP/new.eml"
POP3_HOST=${POP3_ADDR%:*} POP3_PORT=${POP3_ADDR##*:} IMAP_HOST=${IMAP_ADDR%:*} IMAP_PORT=${IMAP_ADDR##*:} python3 - >"$TMP/left" <<'EOF' || fail "after the delete" "poplib and imaplib to succeed" "an error"
import imaplib, os, poplib
p = poplib.POP3(os.environ["POP3_HOST"], int(os.environ["POP3_PORT"]), timeout=30)
p.user(os.environ["IMAP_USER"]); p.pass_(os.environ["IMAP_PASSWORD"])
print("STAT", p.stat()[0]); p.quit()
m = imaplib.IMAP4(os.environ["IMAP_HOST"], int(os.environ["IMAP_PORT"]), timeout=30)
m.login(os.environ["IMAP_USER"], os.environ["IMAP_PASSWORD"])
print("EXISTS", m.select("INBOX", readonly=True)[1][0].decode()); m.logout()
EOF
[ "$(cat "$TMP/left")" = "$(printf 'STAT 0\nEXISTS 0')" ] || fail "after the delete" "STAT 0 and an empty INBOX" "$(cat "$TMP/left")"
ok "POP3 without keep: $((N + 1)) messages fetched and deleted; STAT 0 and the IMAP INBOX empty afterwards"

# --- 7. IDLE.
# within SECONDS CMD...: CMD succeeds within that many seconds.
within() {
	local n=$(($1 * 10))
	shift
	for _ in $(seq 1 $n); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}
idling() { grep -A1 'IMAP> A[0-9]* IDLE$' "$TMP/fm.out" | grep -q 'IMAP< + '; }
# filed: the message is filed, whole (fetchmail marks it \Seen once its MDA
# is done).
filed() { [ -s "$TMP/out/1.msg" ] && grep -q 'IMAP> A[0-9]* STORE 1 +FLAGS (\\Seen)' "$TMP/fm.out"; }
on_exit() { [ -n "${FM:-}" ] && kill "$FM" 2>/dev/null; }
setup IMAP keep idle
fetchmail -f "$TMP/rc" -v -N -d 300 >"$TMP/fm.out" 2>&1 &
FM=$!
within 15 idling || fail "IDLE" "fetchmail waiting in IDLE within 15 s" "no IDLE continuation"
deliver "$TMP/idle.eml" "Delivered during IDLE"
within 15 filed || fail "IDLE" "the message delivered during IDLE fetched within 15 s" "$(ls "$TMP/out")"
sed -n '/IMAP> A[0-9]* IDLE$/,$p' "$TMP/fm.out" | grep -q 'IMAP< \* 1 EXISTS' ||
	fail "IDLE" "an untagged '* 1 EXISTS' while fetchmail was in IDLE" "none"
kill "$FM"
wait "$FM" 2>/dev/null
FM=
want_files "IDLE" "$TMP/idle.eml"
ok "IMAP IDLE: a message delivered while fetchmail waited was announced (* 1 EXISTS) and fetched at once"
echo "fetchmail: all checks passed"
