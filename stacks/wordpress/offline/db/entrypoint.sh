#!/bin/sh
# Entrypoint of the offline MariaDB image (Debian's mariadb-server). On the
# first start, with an empty data directory, it makes the system tables, sets
# the root password and creates the database and its user from the same
# variables the official image reads (MARIADB_ROOT_PASSWORD, MARIADB_DATABASE,
# MARIADB_USER, MARIADB_PASSWORD); afterwards it only starts the server.
set -eu

DATADIR=/var/lib/mysql
INIT_SOCKET=/run/mysqld/init.sock

# sql_string VALUE prints VALUE quoted as an SQL string literal.
sql_string() {
	printf "'%s'" "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e "s/'/\\\\'/g")"
}

# sql_name VALUE prints VALUE quoted as an SQL identifier.
sql_name() {
	printf '`%s`' "$(printf '%s' "$1" | sed -e 's/`/``/g')"
}

mkdir -p /run/mysqld
chown mysql:mysql /run/mysqld "$DATADIR"

if [ ! -d "$DATADIR/mysql" ]; then
	: "${MARIADB_ROOT_PASSWORD:?MARIADB_ROOT_PASSWORD must be set}"
	: "${MARIADB_DATABASE:?MARIADB_DATABASE must be set}"
	: "${MARIADB_USER:?MARIADB_USER must be set}"
	: "${MARIADB_PASSWORD:?MARIADB_PASSWORD must be set}"
	echo "envctl-mariadb: empty data directory, creating the database $MARIADB_DATABASE"
	mariadb-install-db --user=mysql --datadir="$DATADIR" --skip-test-db \
		--auth-root-authentication-method=normal >/dev/null
	# A server no client outside can reach while the accounts are made.
	mariadbd --user=mysql --datadir="$DATADIR" --skip-networking --socket="$INIT_SOCKET" &
	pid=$!
	tries=0
	until mariadb-admin --socket="$INIT_SOCKET" -uroot ping --silent >/dev/null 2>&1; do
		tries=$((tries + 1))
		if [ "$tries" -ge 60 ] || ! kill -0 "$pid" 2>/dev/null; then
			echo "envctl-mariadb: the initial server did not start" >&2
			exit 1
		fi
		sleep 1
	done
	# install-db also makes root@<container id>: a name nobody will connect as.
	mariadb --socket="$INIT_SOCKET" -uroot <<SQL
DELETE FROM mysql.global_priv WHERE Host <> 'localhost';
DELETE FROM mysql.proxies_priv WHERE Host <> 'localhost';
FLUSH PRIVILEGES;
ALTER USER 'root'@'localhost' IDENTIFIED BY $(sql_string "$MARIADB_ROOT_PASSWORD");
CREATE DATABASE IF NOT EXISTS $(sql_name "$MARIADB_DATABASE");
CREATE USER $(sql_string "$MARIADB_USER")@'%' IDENTIFIED BY $(sql_string "$MARIADB_PASSWORD");
GRANT ALL ON $(sql_name "$MARIADB_DATABASE").* TO $(sql_string "$MARIADB_USER")@'%';
SQL
	kill -TERM "$pid"
	wait "$pid"
	echo "envctl-mariadb: database $MARIADB_DATABASE and user $MARIADB_USER created"
fi

# Debian's configuration binds to 127.0.0.1; in a container the clients are
# on the compose network.
exec mariadbd --user=mysql --datadir="$DATADIR" --bind-address=0.0.0.0 --skip-name-resolve "$@"
