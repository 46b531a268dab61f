#!/bin/bash
# IMAP and POP3 benchmark: our server against Dovecot's imapd/pop3d, same
# 2,000 messages, same client (tests/imapbench), in one job. Run on purpose,
# as root (not part of CI's test job). Idempotent: it rebuilds the binary,
# starts both servers afresh on loopback in $BENCH_DIR (default
# /tmp/bench-imap), and stops both when it ends, however it ends. Our
# server runs from a copy of bin/gromox named gx-under-test, with its data
# in $BENCH_DIR/ours: on a machine shared with other benchmarks, a
# "pkill -f 'gromox serve'" of someone else's does not end it mid-run.
# Both run side by side and the rows alternate between them (each row on
# ours, then the same row on Dovecot), so that a machine whose load changes
# during the job weighs on both alike.
#
#   .ci/bench-imap.sh                         # every row at 1 client, 10,000 idle sessions
#   CONC=1,4 IDLE_SESSIONS=2000 .ci/bench-imap.sh
#   ROWS=fetch-envelope,search .ci/bench-imap.sh
#   ONLY=dovecot .ci/bench-imap.sh            # or ONLY=ours
#   ROUNDS=3 .ci/bench-imap.sh                # each row 3 times, the best counts
#   POP3_PASSES=1 .ci/bench-imap.sh           # pop3-retr reads the maildrop once (default 5)
#
# Both accounts get the same generated messages (or CORPUS=DIR's *.eml) by
# APPEND, and both check the same password hash ($6$, 5000 rounds, as
# `gromox user add` stores it). Dovecot runs its default process-per-session
# model; with DOVE_HIBERNATE=1 (the default) IDLE sessions are handed to
# imap-hibernate after 2 s, Dovecot's own answer to many idle clients.
# The table's ratio is "times better": ours/Dovecot for rates, Dovecot/ours
# for memory; above 1 means ours is ahead. Its last column is the CPU time
# the machine spent outside the client per message (imapbench's
# server-cpu-us: /proc/stat's busy time less the client's own), which
# tells a row limited by the client from one limited by the server. The
# APPEND and FETCH rows speak through imapbench's lean client;
# EXTRA_ARGS=-go-imap has go-imap's client do them instead (it then limits
# the FETCH rows on a 2-core machine).
set -euo pipefail
exec </dev/null

log() { echo "bench-imap: $*" >&2; }

if [ "$(id -u)" != 0 ]; then
	log "must run as root (installs and runs Dovecot)"
	exit 1
fi
PATH=$PATH:/usr/sbin:/usr/bin:/usr/local/go/bin
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=${BENCH_DIR:-/tmp/bench-imap}
MESSAGES=${MESSAGES:-2000}
CONC=${CONC:-1}
ROWS=${ROWS:-fill,append,select,fetch-envelope,fetch-body,fetch-bodystructure,search,store,pop3-retr,idle}
IDLE_SESSIONS=${IDLE_SESSIONS:-10000}
DOVE_IDLE_SESSIONS=${DOVE_IDLE_SESSIONS:-$IDLE_SESSIONS}
DOVE_HIBERNATE=${DOVE_HIBERNATE:-1}
ONLY=${ONLY:-}
ROUNDS=${ROUNDS:-1}
# The pop3-retr row reads the maildrop this many times: once (32 MB) takes
# 0.1 to 0.3 s, too short for a steady figure.
POP3_PASSES=${POP3_PASSES:-5}
EXTRA_ARGS=${EXTRA_ARGS:-}
CORPUS_ARG=()
[ -n "${CORPUS:-}" ] && CORPUS_ARG=(-corpus "$CORPUS")
OURS_USER=bench@gromox.test
DOVE_USER=bench@bench.test
PASSWORD=bench-imap-password

. .ci/scratch.sh
# Leftovers of an earlier run: stop what that run started, by its pids.
stop_all() {
	gx_stop
	dovecot_stop
}
# Dovecot watches a selected mailbox with one inotify instance per session,
# and hibernates an IDLE session only while it can: the per-user limit of
# 128 instances is raised for the run and put back at its end.
INOTIFY=/proc/sys/fs/inotify/max_user_instances
INOTIFY_WAS=$(cat "$INOTIFY")
cleanup() {
	stop_all
	if [ "$(cat "$INOTIFY")" != "$INOTIFY_WAS" ]; then
		echo "$INOTIFY_WAS" >"$INOTIFY" || true
	fi
}
stop_all
trap cleanup EXIT
fresh_workdir
mkdir -p "$WORK"
chmod 755 "$WORK"

# 10,000 sessions take a descriptor each on both ends; the servers inherit
# this limit (the client raises its own).
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

if ! command -v dovecot >/dev/null 2>&1 || [ ! -x /usr/lib/dovecot/imap ] || [ ! -x /usr/lib/dovecot/pop3 ]; then
	log "installing dovecot-imapd dovecot-pop3d"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >&2
	apt-get install -y -q dovecot-imapd dovecot-pop3d >&2
fi

log "building"
[ "$ONLY" = dovecot ] || make build >&2
go build -o "$WORK/imapbench" ./tests/imapbench
GX=$ROOT/bin/gromox
HASH=$(doveadm pw -s SHA512-CRYPT -p "$PASSWORD")

# bench NAME ROWS [ARGS]: one imapbench run on server NAME (ours or
# dovecot, as set up below), its lines appended to $WORK/NAME.txt and its
# errors to $WORK/NAME.err.
bench() {
	local name=$1 rows=$2
	shift 2
	local -n t=$name
	local cmd=("$WORK/imapbench" -addr "${t[imap]}" -pop3 "${t[pop3]}" -user "${t[user]}" -password "$PASSWORD"
		-pid "${t[pid]}" -messages "$MESSAGES" -conc "$CONC" -rows "$rows" -passes "$POP3_PASSES" "${CORPUS_ARG[@]}")
	# shellcheck disable=SC2206
	cmd+=("$@" $EXTRA_ARGS)
	echo "== $name: ${cmd[*]}" | sed "s|$PASSWORD|PASSWORD|"
	"${cmd[@]}" 2> >(tee -a "$WORK/$name.err" >&2) | tee -a "$WORK/$name.txt" || rc=1
}
idle_sessions() {
	local -n t=$1
	echo "${t[idle]}"
}
declare -A ours=() dovecot=()
SERVERS=()
rc=0
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
	local p=$1
	while ! port_free "$p"; do p=$((p + 1)); done
	echo "$p"
}

# --- Our server on loopback, every listener on a free port.
if [ "$ONLY" != dovecot ]; then
	DATA=$WORK/ours
	mkdir -p "$DATA" "$WORK/bin"
	cp "$GX" "$WORK/bin/gx-under-test"
	gx_start "$WORK/bin/gx-under-test" "$DATA"
	OURS_IMAP=$(gx_listener imap)
	OURS_POP3=$(gx_listener pop3)
	"$GX" user add "$OURS_USER" --password "$PASSWORD" --data-dir "$DATA" >&2
	if [ -z "$OURS_IMAP" ]; then
		log "our server has no IMAP listener (no 'listening: imap' line): its column stays empty"
	else
		log "ours: imap $OURS_IMAP pop3 $OURS_POP3 pid $(cat "$WORK/gromox.pid")"
		ours=([imap]=$OURS_IMAP [pop3]=$OURS_POP3 [user]=$OURS_USER [pid]=$(cat "$WORK/gromox.pid") [idle]=$IDLE_SESSIONS)
		SERVERS+=(ours)
	fi
fi

# --- Dovecot's imapd and pop3d on free loopback ports, one passwd-file user
# whose maildir belongs to nobody (Dovecot will not run mail processes as
# root).
if [ "$ONLY" != ours ]; then
	DOVE_IMAP_PORT=$(free_port 11430)
	DOVE_POP3_PORT=$(free_port 11100)
	DV=$WORK/dovecot
	mkdir -p "$DV/run" "$DV/home"
	chown nobody:nogroup "$DV/home"
	echo "$DOVE_USER:$HASH:65534:65534::$DV/home/$DOVE_USER::" >"$DV/passwd"
	HIBERNATE=
	if [ "$INOTIFY_WAS" -lt $((DOVE_IDLE_SESSIONS + 1000)) ]; then
		echo $((DOVE_IDLE_SESSIONS + 1000)) >"$INOTIFY" || log "cannot raise $INOTIFY: Dovecot will poll"
	fi
	if [ "$DOVE_HIBERNATE" = 1 ]; then
		HIBERNATE="imap_hibernate_timeout = 2s
service imap-hibernate {
  unix_listener imap-hibernate {
    mode = 0666
  }
}"
	fi
	cat >"$DV/dovecot.conf" <<EOF
base_dir = $DV/run
state_dir = $DV/state
log_path = $DV/dovecot.log
info_log_path = $DV/dovecot.log
protocols = imap pop3
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
mail_location = maildir:~/Maildir
passdb {
  driver = passwd-file
  args = username_format=%u $DV/passwd
}
userdb {
  driver = passwd-file
  args = username_format=%u $DV/passwd
}
default_process_limit = $((DOVE_IDLE_SESSIONS + 200))
default_client_limit = $((DOVE_IDLE_SESSIONS + 1000))
default_vsz_limit = 1G
service anvil {
  client_limit = $((DOVE_IDLE_SESSIONS + 1000))
}
service auth {
  client_limit = $((DOVE_IDLE_SESSIONS + 1000))
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $DOVE_IMAP_PORT
  }
  inet_listener imaps {
    port = 0
  }
  # High-performance mode: a few login processes serve every connection.
  service_count = 0
  process_min_avail = 2
  process_limit = 4
  client_limit = $((DOVE_IDLE_SESSIONS + 1000))
}
service imap-urlauth-login {
  process_limit = 1
}
protocol imap {
  mail_max_userip_connections = $((DOVE_IDLE_SESSIONS + 100))
}
service imap {
  process_limit = $((DOVE_IDLE_SESSIONS + 200))
  unix_listener imap-master {
    mode = 0666
  }
}
service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = $DOVE_POP3_PORT
  }
  inet_listener pop3s {
    port = 0
  }
  service_count = 0
  process_limit = 4
}
$HIBERNATE
EOF
	log "starting dovecot -c $DV/dovecot.conf (imap 127.0.0.1:$DOVE_IMAP_PORT, pop3 127.0.0.1:$DOVE_POP3_PORT)"
	dovecot -c "$DV/dovecot.conf"
	for _ in $(seq 1 100); do
		port_free "$DOVE_IMAP_PORT" || port_free "$DOVE_POP3_PORT" || break
		sleep 0.1
	done
	if port_free "$DOVE_IMAP_PORT"; then
		log "dovecot did not listen:"
		cat "$DV/dovecot.log" >&2 || true
		exit 1
	fi
	dovecot=([imap]=127.0.0.1:$DOVE_IMAP_PORT [pop3]=127.0.0.1:$DOVE_POP3_PORT [user]=$DOVE_USER
		[pid]=$(cat "$DV/run/master.pid") [idle]=$DOVE_IDLE_SESSIONS)
	SERVERS+=(dovecot)
fi

# --- The rows: the fill first, then each row on each server in turn, the
# idle sessions last.
: >"$WORK/ours.txt"
: >"$WORK/dovecot.txt"
IFS=, read -ra rows <<<"$ROWS"
for s in "${SERVERS[@]}"; do
	bench "$s" fill
done
for round in $(seq 1 "$ROUNDS"); do
	for r in "${rows[@]}"; do
		case $r in fill | idle) continue ;; esac
		for s in "${SERVERS[@]}"; do
			bench "$s" "$r"
		done
	done
done
if [[ ",$ROWS," == *,idle,* ]]; then
	for s in "${SERVERS[@]}"; do
		bench "$s" idle -idle-sessions "$(idle_sessions "$s")"
	done
fi

# --- Comparison table: one line per row and concurrency, on the row's
# headline number.
metric() {
	case $1 in
	fill | append | fetch-* | store) echo msgs/s ;;
	select | search) echo ops/s ;;
	pop3-retr) echo MB/s ;;
	idle) echo KiB/session ;;
	esac
}
field() { awk -v k="$1" '{ for (i = 1; i <= NF; i++) if (index($i, k "=") == 1) { print substr($i, length(k) + 2); exit } }'; }
# best METRIC FILE: the line of FILE with the highest METRIC (of several
# rounds).
best() { awk -v k="$1" '{ for (i = 1; i <= NF; i++) if (index($i, k "=") == 1) { v = substr($i, length(k) + 2) + 0; if (!n++ || v > m) { m = v; l = $0 } } } END { print l }' "$2"; }
echo
echo "$MESSAGES messages; best of $ROUNDS round(s); ratio: times better, ours/Dovecot for rates, Dovecot/ours for memory (>1: ours ahead)"
echo "server CPU: µs of the machine's CPU outside the client per message the row counts (select: of the folder; search: per SEARCH), in that best round; not for store, whose undoing runs in the row"
printf '%-20s %4s %-12s %12s %12s %7s  %-21s %-21s %s\n' row conc metric ours dovecot ratio "ours p50/p99" "dovecot p50/p99" "server CPU ours/dovecot"
IFS=, read -ra concs <<<"$CONC"
for r in "${rows[@]}"; do
	cs=("${concs[@]}")
	case $r in fill | idle) cs=("${concs[0]}") ;; esac
	[ "$r" = idle ] && cs=("")
	for c in "${cs[@]}"; do
		sel="^row=$r conc=$c "
		[ "$r" = idle ] && sel="^row=idle "
		[ "$r" = fill ] && sel="^row=fill "
		m=$(metric "$r")
		o=$(best "$m" <(grep "$sel" "$WORK/ours.txt"))
		d=$(best "$m" <(grep "$sel" "$WORK/dovecot.txt"))
		ov=$(field "$m" <<<"$o")
		dv=$(field "$m" <<<"$d")
		if [ "$r" = idle ]; then
			ratio=$(awk -v a="${ov:-0}" -v b="${dv:-0}" 'BEGIN { if (a > 0 && b > 0) printf "%.2f", b / a; else print "-" }')
		else
			ratio=$(awk -v a="${ov:-0}" -v b="${dv:-0}" 'BEGIN { if (a > 0 && b > 0) printf "%.2f", a / b; else print "-" }')
		fi
		olat="$(field p50 <<<"$o")/$(field p99 <<<"$o")"
		dlat="$(field p50 <<<"$d")/$(field p99 <<<"$d")"
		ocpu=$(field server-cpu-us <<<"$o")
		dcpu=$(field server-cpu-us <<<"$d")
		cpu="${ocpu:--}/${dcpu:--}"
		[ "$cpu" = "-/-" ] && cpu=
		printf '%-20s %4s %-12s %12s %12s %7s  %-21s %-21s %s\n' "$r" "${c:-}" "$m" "${ov:--}" "${dv:--}" "$ratio" "$olat" "$dlat" "$cpu"
		if [ "$r" = idle ]; then
			ov=$(field pss-KiB/session <<<"$o")
			dv=$(field pss-KiB/session <<<"$d")
			ratio=$(awk -v a="${ov:-0}" -v b="${dv:-0}" 'BEGIN { if (a > 0 && b > 0) printf "%.2f", b / a; else print "-" }')
			printf '%-20s %4s %-12s %12s %12s %7s  sessions %s / %s\n' "$r" "" "PSS-KiB/sess" "${ov:--}" "${dv:--}" "$ratio" \
				"$(field sessions <<<"$o")" "$(field sessions <<<"$d")"
		fi
	done
done
if [ -s "$WORK/ours.err" ] || [ -s "$WORK/dovecot.err" ]; then
	echo
	echo "rows that failed (imapbench's errors):"
	sed 's/^/  ours: /' "$WORK/ours.err" 2>/dev/null || true
	sed 's/^/  dovecot: /' "$WORK/dovecot.err" 2>/dev/null || true
fi
if [ -f "$WORK/gromox.err" ] && grep -qiE 'panic' "$WORK/gromox.err"; then
	log "our server panicked:"
	grep -iE -A5 'panic' "$WORK/gromox.err" | head -40 >&2
fi
exit $rc
