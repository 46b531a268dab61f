#!/bin/bash
# Bring up a local MariaDB for the directory tests (run as root, no stdin).
# Idempotent: installs mariadb-server if missing, starts the server if it is
# not answering, creates the account gromox/gromox with all privileges (the
# tests create and drop their own databases), and prints the DSN to export:
#
#   GROMOX_TEST_MYSQL_DSN=gromox:gromox@tcp(127.0.0.1:3306)/
set -euo pipefail
exec </dev/null

log() { echo "mariadb.sh: $*" >&2; }

if [ "$(id -u)" != 0 ]; then
	log "must run as root"
	exit 1
fi

if ! command -v mariadbd >/dev/null 2>&1 && [ ! -x /usr/sbin/mariadbd ]; then
	log "installing mariadb-server"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >&2
	apt-get install -y -q mariadb-server >&2
fi

PATH=$PATH:/usr/sbin:/usr/bin

ping_server() { mariadb-admin --protocol=socket -uroot ping >/dev/null 2>&1; }

if ! ping_server; then
	datadir=/var/lib/mysql
	if [ ! -d "$datadir/mysql" ]; then
		log "initialising $datadir"
		mariadb-install-db --user=mysql --datadir="$datadir" >&2
	fi
	install -d -o mysql -g mysql /run/mysqld
	if [ -x /etc/init.d/mariadb ]; then
		log "starting via /etc/init.d/mariadb"
		/etc/init.d/mariadb start >&2 || true
	fi
	if ! ping_server; then
		log "starting mariadbd-safe in the background"
		safe=$(command -v mariadbd-safe || command -v mysqld_safe)
		setsid nohup "$safe" --user=mysql >/dev/null 2>&1 &
	fi
	for _ in $(seq 1 60); do
		ping_server && break
		sleep 1
	done
	if ! ping_server; then
		log "server did not answer within 60 s"
		exit 1
	fi
fi
log "server is up"

mariadb --protocol=socket -uroot <<'SQL'
CREATE USER IF NOT EXISTS 'gromox'@'localhost' IDENTIFIED BY 'gromox';
CREATE USER IF NOT EXISTS 'gromox'@'127.0.0.1' IDENTIFIED BY 'gromox';
ALTER USER 'gromox'@'localhost' IDENTIFIED BY 'gromox';
ALTER USER 'gromox'@'127.0.0.1' IDENTIFIED BY 'gromox';
GRANT ALL PRIVILEGES ON *.* TO 'gromox'@'localhost';
GRANT ALL PRIVILEGES ON *.* TO 'gromox'@'127.0.0.1';
FLUSH PRIVILEGES;
SQL

echo 'GROMOX_TEST_MYSQL_DSN=gromox:gromox@tcp(127.0.0.1:3306)/'
