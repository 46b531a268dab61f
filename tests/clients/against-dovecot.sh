#!/bin/bash
# Runs the client checks of this directory against a private Dovecot
# (imapd and pop3d on free loopback ports, passwd-file users, maildirs and
# config under a temporary directory, "/" as the hierarchy delimiter as
# ours), each check with a user of its own whose INBOX holds messages/*.eml
# (put there by APPEND). It shows that the checks pass against a
# well-known server, so a failure against ours is ours. Run as root (Dovecot
# will not otherwise switch to the mail user); installs nothing: it needs
# dovecot-imapd, dovecot-pop3d, dovecot-lmtpd, curl, isync, offlineimap3,
# fetchmail and python3.
#
#   tests/clients/against-dovecot.sh            # all checks
#   tests/clients/against-dovecot.sh curl       # one
#   tests/clients/against-dovecot.sh compare    # our answers next to Dovecot's (compare_check.sh)
set -uo pipefail
exec </dev/null
PATH=$PATH:/usr/sbin
cd "$(dirname "$0")"
HERE=$PWD
CHECKS=("${@:-imaplib curl mbsync offlineimap fetchmail}")
read -ra CHECKS <<<"${CHECKS[*]}"

WORK=$(mktemp -d /tmp/clients-dovecot.XXXXXX)
chmod 755 "$WORK"
DV=$WORK/dovecot
stop() {
	if [ -f "$DV/run/master.pid" ]; then
		kill "$(cat "$DV/run/master.pid")" 2>/dev/null
		for _ in $(seq 1 50); do
			[ -f "$DV/run/master.pid" ] && kill -0 "$(cat "$DV/run/master.pid")" 2>/dev/null || break
			sleep 0.1
		done
	fi
	rm -rf "$WORK"
}
trap stop EXIT
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
	local p=$1
	while ! port_free "$p"; do p=$((p + 1)); done
	echo "$p"
}
IMAP_PORT=$(free_port 11530)
POP3_PORT=$(free_port 11200)
LMTP_PORT=$(free_port 11240)
PASSWORD=clients-password
mkdir -p "$DV/run" "$DV/home"
chown nobody:nogroup "$DV/home"
for c in "${CHECKS[@]}"; do
	echo "$c@clients.test:{PLAIN}$PASSWORD:65534:65534::$DV/home/$c::"
done >"$DV/passwd"
cat >"$DV/dovecot.conf" <<EOF
base_dir = $DV/run
state_dir = $DV/state
log_path = $DV/dovecot.log
protocols = imap pop3 lmtp
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
first_valid_uid = 1
mail_location = maildir:~/Maildir
namespace inbox {
  inbox = yes
  separator = /
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $DV/passwd
}
userdb {
  driver = passwd-file
  args = username_format=%u $DV/passwd
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $IMAP_PORT
  }
  inet_listener imaps {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = $LMTP_PORT
  }
}
service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = $POP3_PORT
  }
  inet_listener pop3s {
    port = 0
  }
}
EOF
dovecot -c "$DV/dovecot.conf" || exit 1
for _ in $(seq 1 100); do
	port_free "$IMAP_PORT" || break
	sleep 0.1
done

rc=0
for c in "${CHECKS[@]}"; do
	export IMAP_ADDR=127.0.0.1:$IMAP_PORT POP3_ADDR=127.0.0.1:$POP3_PORT LMTP_ADDR=127.0.0.1:$LMTP_PORT IMAP_USER=$c@clients.test \
		IMAP_PASSWORD=$PASSWORD EXPECT_DIR=$HERE/messages
	python3 "$HERE/fill_inbox.py" "$IMAP_ADDR" "$IMAP_USER" "$IMAP_PASSWORD" "$EXPECT_DIR" || exit 1
	echo "== $c against Dovecot ($IMAP_ADDR, pop3 $POP3_ADDR)"
	case $c in
	imaplib) python3 "$HERE/imaplib_check.py" ;;
	*) bash "$HERE/${c}_check.sh" ;;
	esac || rc=1
done
exit $rc
