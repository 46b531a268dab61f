# Sourced by the client checks (*_check.sh) after they checked their own
# environment and set CHECK_NAME and CHECK_LOG (the client, and the file in
# $TMP whose lines a failure shows; both may be unset). It gives them:
#   TMP     a scratch directory, removed at exit unless KEEP_TMP is set
#           (after the check's own on_exit, when it defines one);
#   FILES   the expected INBOX messages, EXPECT_DIR/1.eml, 2.eml, ... in
#           delivery order, and N, their number;
#   fail, ok  the checks' report.
set -uo pipefail
exec </dev/null

: "${EXPECT_DIR:?}"
TMP=$(mktemp -d)
trap 'declare -F on_exit >/dev/null && on_exit; [ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"' EXIT
mapfile -t FILES < <(ls -v "$EXPECT_DIR"/*.eml)
N=${#FILES[@]}

# fail STEP EXPECTED GOT: reports the first failure, with the client's log
# ($CHECK_LOG, each line prefixed with the client's name), and ends the
# check.
fail() {
	echo "FAIL: $1: expected $2, got $3"
	if [ -n "${CHECK_LOG:-}" ] && [ -f "$TMP/$CHECK_LOG" ]; then
		sed "s/^/  ${CHECK_NAME:-client}: /" "$TMP/$CHECK_LOG"
	fi
	exit 1
}
ok() { echo "ok: $*"; }
