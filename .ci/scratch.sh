# Sourced by the benchmark scripts (.ci/bench-*.sh): our server as a scratch
# embedded instance on free loopback ports, and the stopping of what a run
# started, by the pids it left under $WORK. The caller sets WORK and
# defines log.

# gx_stop stops the server $WORK/gromox.pid names, waiting up to 10 s.
gx_stop() {
	[ -f "$WORK/gromox.pid" ] || return 0
	kill "$(cat "$WORK/gromox.pid")" 2>/dev/null || true
	for _ in $(seq 1 100); do
		kill -0 "$(cat "$WORK/gromox.pid")" 2>/dev/null || break
		sleep 0.1
	done
	rm -f "$WORK/gromox.pid"
}

# dovecot_stop stops the Dovecot a run started under $WORK/dovecot.
dovecot_stop() {
	[ -f "$WORK/dovecot/dovecot.conf" ] && [ -f "$WORK/dovecot/run/master.pid" ] || return 0
	doveadm -c "$WORK/dovecot/dovecot.conf" stop >/dev/null 2>&1 ||
		kill "$(cat "$WORK/dovecot/run/master.pid")" 2>/dev/null || true
	for _ in $(seq 1 100); do
		[ -f "$WORK/dovecot/run/master.pid" ] || break
		kill -0 "$(cat "$WORK/dovecot/run/master.pid")" 2>/dev/null || break
		sleep 0.1
	done
}

# gx_start BINARY DATA writes DATA/gromox.cfg with every listener on a free
# loopback port, starts BINARY serve --data-dir DATA (its output in
# $WORK/gromox.out and gromox.err, its pid in $WORK/gromox.pid) and waits
# until it is ready; when it does not get ready, the script ends.
gx_start() {
	local bin=$1 data=$2
	mkdir -p "$data"
	cat >"$data/gromox.cfg" <<'CFG'
admin_listen = 127.0.0.1:0
lda_listen = 127.0.0.1:0
http_listen = 127.0.0.1:0
imap_listen = 127.0.0.1:0
pop3_listen = 127.0.0.1:0
CFG
	log "starting $bin serve --data-dir $data"
	setsid "$bin" serve --data-dir "$data" >"$WORK/gromox.out" 2>"$WORK/gromox.err" &
	echo $! >"$WORK/gromox.pid"
	for _ in $(seq 1 300); do
		grep -qx ready "$WORK/gromox.out" 2>/dev/null && break
		kill -0 "$(cat "$WORK/gromox.pid")" 2>/dev/null || break
		sleep 0.1
	done
	if ! grep -qx ready "$WORK/gromox.out"; then
		log "our server did not get ready:"
		cat "$WORK/gromox.out" "$WORK/gromox.err" >&2
		exit 1
	fi
}

# gx_listener NAME prints the address the server listens on for NAME
# (lmtp, pop3, imap, http, admin).
gx_listener() { awk -v p="$1" '$1 == "listening:" && $2 == p { print $3; exit }' "$WORK/gromox.out"; }

# fresh_workdir removes what an earlier run left in $WORK and, when that
# was many files, waits until their inodes may be reused without cost:
# ext4 without a journal (as on this project's VMs) skips every inode freed
# in the last 30 s or so when it allocates one, so each file a server
# creates during the next minute costs up to 250 µs of CPU instead of 10
# µs, which falls on whichever server the benchmark runs first.
fresh_workdir() {
	local n=0
	if [ -d "$WORK" ]; then
		n=$(find "$WORK" -xdev 2>/dev/null | head -2001 | wc -l) || true
		rm -rf "$WORK"
	fi
	if [ "$n" -gt 2000 ] && [ -z "${BENCH_NO_SETTLE:-}" ]; then
		log "waiting 75 s after removing the last run's files (ext4 inode reuse, see fresh_workdir)"
		sync
		sleep 75
	fi
	mkdir -p "$WORK"
}
