#!/bin/sh
# Health check of the offline MariaDB image: healthy when the WordPress user can
# connect over TCP and use its database (the first start's initial server
# listens on no port, so it never counts).
MYSQL_PWD=$MARIADB_PASSWORD exec mariadb --protocol=tcp -h 127.0.0.1 -u "$MARIADB_USER" \
	-e 'SELECT 1' "$MARIADB_DATABASE" >/dev/null
