#!/bin/bash
# Our server's IMAP answers next to Dovecot's (compare_dovecot.py): run by
# against-dovecot.sh, which starts Dovecot and sets IMAP_ADDR, IMAP_USER and
# IMAP_PASSWORD. This starts our server (bin/gromox, or $GROMOX) as a
# scratch embedded instance on loopback ports, with a user of its own.
# The messages are the upstream fixture corpus, messages/ and tricky/;
# compare-dovecot.expected lists the differences accepted, with reasons.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
GROMOX=${GROMOX:-$ROOT/bin/gromox}
if [ ! -x "$GROMOX" ]; then
	echo "compare: $GROMOX not found (make build first)" >&2
	exit 1
fi
log() { echo "compare: $*" >&2; }
WORK=$(mktemp -d /tmp/compare-dovecot.XXXXXX)
# shellcheck source=../../.ci/scratch.sh
. "$ROOT/.ci/scratch.sh"
trap 'gx_stop; rm -rf "$WORK"' EXIT
gx_start "$GROMOX" "$WORK/data"
"$GROMOX" user add compare@gromox.test --password compare-password --data-dir "$WORK/data" >/dev/null || exit 1
# The INBOX gets what against-dovecot.sh APPENDs to Dovecot's (messages/).
python3 "$HERE/fill_inbox.py" "$(gx_listener imap)" compare@gromox.test compare-password "$HERE/messages" || exit 1
DIRS=$HERE/messages:$HERE/tricky
CORPUS=$ROOT/../shared/fixtures/upstream-3.10/corpus
[ -d "$CORPUS" ] && DIRS=$CORPUS:$DIRS
OURS_ADDR=$(gx_listener imap) OURS_POP3=$(gx_listener pop3) OURS_USER=compare@gromox.test OURS_PASSWORD=compare-password \
	MESSAGE_DIRS=$DIRS EXPECTED=$HERE/compare-dovecot.expected python3 "$HERE/compare_dovecot.py"
