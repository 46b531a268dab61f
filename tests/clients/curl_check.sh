#!/bin/bash
# curl against an IMAP and a POP3 server: imap:// listing, searching and
# fetching (by sequence number, by UID, a section), pop3:// LIST, UIDL and
# RETR, each message compared byte for byte with what was delivered.
#
# Environment: IMAP_ADDR and POP3_ADDR (host:port), IMAP_USER, IMAP_PASSWORD,
# EXPECT_DIR (the INBOX's messages, 1.eml, 2.eml, ... in delivery order).
# Prints "ok: ..." per check; on the first failure "FAIL: <request>:
# expected ..., got ..." and exit 1. curl fetches with BODY[] (not PEEK):
# the messages end up \Seen.
: "${IMAP_ADDR:?}" "${POP3_ADDR:?}" "${IMAP_USER:?}" "${IMAP_PASSWORD:?}"
. "$(dirname "$0")/common.sh"
CURL=(curl -sS --max-time 30 --user "$IMAP_USER:$IMAP_PASSWORD")
# run REQUEST-LABEL OUTFILE CURL-ARGS...: curl must succeed.
run() {
	local what=$1 out=$2
	shift 2
	if ! "${CURL[@]}" -o "$out" "$@" 2>"$TMP/err"; then
		fail "$what" "success" "curl: $(cat "$TMP/err")"
	fi
}
# same FILE-A FILE-B: byte-equal.
same() { cmp -s "$1" "$2"; }

# --- IMAP
run "LIST (imap://$IMAP_ADDR/)" "$TMP/list" "imap://$IMAP_ADDR/"
grep -qE '^\* LIST \([^)]*\) "/" "?INBOX"?'$'\r''?$' "$TMP/list" ||
	fail "LIST (imap://$IMAP_ADDR/)" '* LIST (...) "/" INBOX' "$(head -c 300 "$TMP/list")"
ok "imap:// lists $(grep -c '^\* LIST' "$TMP/list") folders, INBOX among them"

run "EXAMINE INBOX" "$TMP/examine" -X "EXAMINE INBOX" "imap://$IMAP_ADDR/"
grep -qE "^\* $N EXISTS" "$TMP/examine" || fail "EXAMINE INBOX" "* $N EXISTS" "$(head -c 300 "$TMP/examine")"
ok "EXAMINE INBOX: $N EXISTS"

run "SEARCH ALL (imap://$IMAP_ADDR/INBOX?ALL)" "$TMP/search" "imap://$IMAP_ADDR/INBOX?ALL"
want="* SEARCH $(seq -s ' ' 1 "$N")"
[ "$(tr -d '\r' <"$TMP/search")" = "$want" ] || fail "SEARCH ALL" "$want" "$(cat "$TMP/search")"
run "SEARCH SUBJECT (imap://$IMAP_ADDR/INBOX?SUBJECT%20%22client%20check%22)" "$TMP/search2" \
	"imap://$IMAP_ADDR/INBOX?SUBJECT%20%22client%20check%22"
[ "$(tr -d '\r' <"$TMP/search2")" = "* SEARCH 1 3" ] || fail "SEARCH SUBJECT \"client check\"" "* SEARCH 1 3" "$(cat "$TMP/search2")"
ok "imap://.../INBOX?ALL and ?SUBJECT search"

for i in $(seq 1 "$N"); do
	run "FETCH $i (imap://$IMAP_ADDR/INBOX;MAILINDEX=$i)" "$TMP/m$i" "imap://$IMAP_ADDR/INBOX;MAILINDEX=$i"
	same "$TMP/m$i" "${FILES[i - 1]}" ||
		fail "FETCH $i BODY[] (imap://$IMAP_ADDR/INBOX;MAILINDEX=$i)" "the $(wc -c <"${FILES[i - 1]}") bytes of ${FILES[i - 1]}" \
			"$(wc -c <"$TMP/m$i") bytes: $(head -c 200 "$TMP/m$i" | od -c | head -5)"
done
ok "imap://.../INBOX;MAILINDEX=1..$N byte-exact"

run "UID SEARCH ALL" "$TMP/uids" -X "UID SEARCH ALL" "imap://$IMAP_ADDR/INBOX"
read -ra UIDS < <(tr -d '\r' <"$TMP/uids" | sed -n 's/^\* SEARCH //p')
[ "${#UIDS[@]}" = "$N" ] || fail "UID SEARCH ALL" "$N UIDs" "$(cat "$TMP/uids")"
last=${UIDS[N - 1]}
run "UID FETCH $last (imap://$IMAP_ADDR/INBOX;UID=$last)" "$TMP/u" "imap://$IMAP_ADDR/INBOX;UID=$last"
same "$TMP/u" "${FILES[N - 1]}" || fail "UID FETCH $last BODY[]" "the bytes of ${FILES[N - 1]}" "$(head -c 200 "$TMP/u")"
ok "UID SEARCH ALL (${UIDS[*]}), imap://.../INBOX;UID=$last byte-exact"

run "FETCH 1 BODY[TEXT]" "$TMP/text" "imap://$IMAP_ADDR/INBOX;MAILINDEX=1;SECTION=TEXT"
python3 -c 'import sys; sys.stdout.buffer.write(open(sys.argv[1], "rb").read().split(b"\r\n\r\n", 1)[1])' "${FILES[0]}" >"$TMP/text.want"
same "$TMP/text" "$TMP/text.want" || fail "FETCH 1 BODY[TEXT] (;SECTION=TEXT)" "$(head -c 100 "$TMP/text.want")" "$(head -c 100 "$TMP/text")"
ok "imap://.../INBOX;MAILINDEX=1;SECTION=TEXT byte-exact"

# --- POP3
run "LIST (pop3://$POP3_ADDR/)" "$TMP/plist" "pop3://$POP3_ADDR/"
for i in $(seq 1 "$N"); do
	want="$i $(wc -c <"${FILES[i - 1]}")"
	got=$(tr -d '\r' <"$TMP/plist" | sed -n "${i}p")
	[ "$got" = "$want" ] || fail "POP3 LIST" "$want" "$(cat "$TMP/plist")"
done
[ "$(wc -l <"$TMP/plist")" = "$N" ] || fail "POP3 LIST" "$N lines" "$(cat "$TMP/plist")"
ok "pop3:// LIST: $N messages with their sizes"

run "UIDL (pop3://$POP3_ADDR/ -X UIDL)" "$TMP/uidl" -X UIDL "pop3://$POP3_ADDR/"
[ "$(tr -d '\r' <"$TMP/uidl" | awk '{ print $2 }' | sort -u | grep -c .)" = "$N" ] ||
	fail "POP3 UIDL" "$N distinct unique-ids" "$(cat "$TMP/uidl")"
run "UIDL again" "$TMP/uidl2" -X UIDL "pop3://$POP3_ADDR/"
same "$TMP/uidl" "$TMP/uidl2" || fail "POP3 UIDL in a second session" "$(cat "$TMP/uidl")" "$(cat "$TMP/uidl2")"
ok "pop3:// UIDL: $N distinct ids, the same in a second session"

for i in $(seq 1 "$N"); do
	run "RETR $i (pop3://$POP3_ADDR/$i)" "$TMP/p$i" "pop3://$POP3_ADDR/$i"
	same "$TMP/p$i" "${FILES[i - 1]}" ||
		fail "POP3 RETR $i (pop3://$POP3_ADDR/$i)" "the $(wc -c <"${FILES[i - 1]}") bytes of ${FILES[i - 1]}" \
			"$(wc -c <"$TMP/p$i") bytes: $(head -c 200 "$TMP/p$i" | od -c | head -5)"
done
ok "pop3://.../1..$N RETR byte-exact (dot-stuffed lines included)"
echo "curl: all checks passed"
