#!/bin/bash
# LMTP delivery benchmark: our server against Dovecot's LMTP, same corpus,
# same client (gromox loadtest lmtp), at 1, 8 and 32 connections. Run on
# purpose, as root (not part of CI's test job). Idempotent: it rebuilds the
# binary, starts both servers afresh on loopback in $BENCH_DIR (default
# /tmp/gromox-bench), and stops both when it ends, however it ends.
#
#   .ci/bench-lmtp.sh                 # 300 messages per connection count
#   MESSAGES=100 CONNS=1,8 .ci/bench-lmtp.sh
#
# A message counts once it is visible in the store (our Inbox rows in
# exchange.sqlite3, written with synchronous=FULL; Dovecot's maildir new/,
# with its default mail_fsync=optimized), and after each run every
# acknowledged message must be stored exactly once (by Message-ID, which the
# client makes unique per copy).
set -euo pipefail
exec </dev/null

log() { echo "bench-lmtp: $*" >&2; }

if [ "$(id -u)" != 0 ]; then
	log "must run as root (installs and runs Dovecot)"
	exit 1
fi
PATH=$PATH:/usr/sbin:/usr/bin:/usr/local/go/bin
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=${BENCH_DIR:-/tmp/gromox-bench}
MESSAGES=${MESSAGES:-300}
CONNS=${CONNS:-1,8,32}
CORPUS=${CORPUS:-$ROOT/../shared/fixtures/upstream-3.10/corpus}
OURS_RCPT=bench@gromox.test
DOVE_RCPT=bench@bench.test

. .ci/scratch.sh
# Leftovers of an earlier run: stop what that run started, by its pids.
stop_all() {
	gx_stop
	dovecot_stop
}
stop_all
trap stop_all EXIT
fresh_workdir
mkdir -p "$WORK"
chmod 755 "$WORK"

# --- Build. Until cmd/gromox/main.go dispatches "loadtest", build with a
# Go overlay that adds the two dispatch lines.
log "building"
make build >&2
if ! grep -q '"loadtest"' cmd/gromox/main.go; then
	sed 's/^\tcase "mbck":$/\tcase "loadtest":\n\t\terr = cmd.loadtest(args[1:])\n&/' \
		cmd/gromox/main.go >"$WORK/main.go"
	printf '{"Replace":{"%s":"%s"}}\n' "$ROOT/cmd/gromox/main.go" "$WORK/main.go" >"$WORK/overlay.json"
	go build -overlay "$WORK/overlay.json" -o bin/gromox ./cmd/gromox
fi
GX=$ROOT/bin/gromox

# --- Our server on loopback, every listener on a free port.
DATA=$WORK/gromox
gx_start "$GX" "$DATA"
OURS_ADDR=$(gx_listener lmtp)
"$GX" user add "$OURS_RCPT" --password x --data-dir "$DATA" >&2
OURS_STORE=$DATA/user/$OURS_RCPT
log "ours: lmtp $OURS_ADDR, store $OURS_STORE"

# --- Dovecot's LMTP on a free loopback port, one passwd-file user whose
# maildir belongs to nobody (Dovecot refuses to deliver as root).
if ! command -v dovecot >/dev/null 2>&1 || [ ! -x /usr/lib/dovecot/lmtp ]; then
	log "installing dovecot-lmtpd"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >&2
	apt-get install -y -q dovecot-lmtpd >&2
fi
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
DOVE_PORT=24240
while ! port_free "$DOVE_PORT"; do DOVE_PORT=$((DOVE_PORT + 1)); done
DV=$WORK/dovecot
mkdir -p "$DV/run" "$DV/home"
chown nobody:nogroup "$DV/home"
echo "$DOVE_RCPT:{PLAIN}x:65534:65534::$DV/home/$DOVE_RCPT::" >"$DV/passwd"
cat >"$DV/dovecot.conf" <<EOF
base_dir = $DV/run
state_dir = $DV/state
log_path = $DV/dovecot.log
info_log_path = $DV/dovecot.log
protocols = lmtp
listen = 127.0.0.1
ssl = no
first_valid_uid = 1
postmaster_address = postmaster@bench.test
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $DV/passwd
}
userdb {
  driver = passwd-file
  args = username_format=%u $DV/passwd
}
mail_location = maildir:~/Maildir
# go-smtp's client writes "MAIL FROM:<path>" without the space some MTAs put
# after the colon and without a mailbox in place of the path, so neither
# workaround is needed; listed here to be explicit.
lmtp_client_workarounds = whitespace-before-path mailbox-for-path
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = $DOVE_PORT
  }
}
EOF
log "starting dovecot -c $DV/dovecot.conf (lmtp 127.0.0.1:$DOVE_PORT)"
dovecot -c "$DV/dovecot.conf"
for _ in $(seq 1 100); do
	port_free "$DOVE_PORT" || break
	sleep 0.1
done
if port_free "$DOVE_PORT"; then
	log "dovecot did not listen:"
	cat "$DV/dovecot.log" >&2 || true
	exit 1
fi
DOVE_MAILDIR=$DV/home/$DOVE_RCPT/Maildir

# --- Runs.
log "corpus: $(ls "$CORPUS"/*.eml | wc -l) messages from $CORPUS; $MESSAGES messages at $CONNS connections"
rc=0
echo "== ours: gromox loadtest lmtp --addr $OURS_ADDR --rcpt $OURS_RCPT --conns $CONNS --messages $MESSAGES --corpus $CORPUS --store $OURS_STORE"
"$GX" loadtest lmtp --addr "$OURS_ADDR" --rcpt "$OURS_RCPT" --conns "$CONNS" --messages "$MESSAGES" \
	--corpus "$CORPUS" --store "$OURS_STORE" | tee "$WORK/ours.txt" || rc=1
echo "== dovecot: gromox loadtest lmtp --addr 127.0.0.1:$DOVE_PORT --rcpt $DOVE_RCPT --conns $CONNS --messages $MESSAGES --corpus $CORPUS --maildir $DOVE_MAILDIR"
"$GX" loadtest lmtp --addr "127.0.0.1:$DOVE_PORT" --rcpt "$DOVE_RCPT" --conns "$CONNS" --messages "$MESSAGES" \
	--corpus "$CORPUS" --maildir "$DOVE_MAILDIR" | tee "$WORK/dovecot.txt" || rc=1

# --- Comparison table: one row per connection count.
field() { sed -n "s|.*\b$1=\([^ ]*\).*|\1|p"; }
echo
printf '%-6s %12s %12s %7s  %-22s %-22s\n' conns "ours msg/s" "dovecot msg/s" ratio "ours exactly-once" "dovecot exactly-once"
IFS=, read -ra counts <<<"$CONNS"
for n in "${counts[@]}"; do
	o=$(grep "^conns=$n " "$WORK/ours.txt" || true)
	d=$(grep "^conns=$n " "$WORK/dovecot.txt" || true)
	or=$(field 'msgs/s' <<<"$o"); dr=$(field 'msgs/s' <<<"$d")
	oc="$(field exactly-once <<<"$o") $(field stored <<<"$o") dup=$(field duplicates <<<"$o")"
	dc="$(field exactly-once <<<"$d") $(field stored <<<"$d") dup=$(field duplicates <<<"$d")"
	ratio=$(awk -v a="${or:-0}" -v b="${dr:-0}" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
	printf '%-6s %12s %12s %7s  %-22s %-22s\n' "$n" "${or:--}" "${dr:--}" "$ratio" "$oc" "$dc"
done
if grep -qiE 'error|panic' "$WORK/gromox.err"; then
	log "our server logged errors:"
	grep -iE 'error|panic' "$WORK/gromox.err" | head -20 >&2
fi
exit $rc
