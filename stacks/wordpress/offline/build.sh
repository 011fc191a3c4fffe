#!/usr/bin/env bash
# Builds the images compose.offline.yaml uses, from Debian bookworm's packages
# only: nothing is pulled from an image registry. Cached: an image whose inputs
# have not changed is not rebuilt (see stacks/lib/images.sh). Needs root
# (debootstrap, chroot) and docker. About a minute cold once the Debian base is
# cached, seconds when everything is.
#
#   stacks/wordpress/offline/build.sh
#
# Images (all :latest, plus an :h-<hash> tag each):
#   envctl-offline/wordpress-db    Debian mariadb-server + offline/db
#   envctl-offline/wordpress-web   Debian apache2, libapache2-mod-php, php-mysql,
#                                  wordpress + offline/web
set -euo pipefail

# shellcheck source=../../lib/images.sh
. "$(dirname "$0")/../../lib/images.sh"

offline=$(cd "$(dirname "$0")" && pwd)
prefix=envctl-offline/wordpress

# The two Debian images are independent: build them side by side.
db_out=$(mktemp)
envctl_debian_image "$prefix-db-base" mariadb-server >"$db_out" 2>&1 &
db_pid=$!
trap 'wait; rm -f -- "$db_out"' EXIT

envctl_debian_image "$prefix-web-base" apache2 libapache2-mod-php php-mysql wordpress \
	wordpress-theme-twentytwentythree curl
envctl_derived_image --context "$offline/web" "$prefix-web" "$prefix-web-base:latest" \
	'COPY wordpress.conf /etc/apache2/sites-available/000-default.conf' \
	'COPY config-default.php /etc/wordpress/config-default.php' \
	'COPY apache2-foreground /usr/local/bin/apache2-foreground' \
	'RUN a2enmod rewrite >/dev/null && a2disconf other-vhosts-access-log >/dev/null && echo "ServerName localhost" >/etc/apache2/conf-available/servername.conf && a2enconf servername >/dev/null && ln -sfT /dev/stderr /var/log/apache2/error.log && ln -sfT /dev/stdout /var/log/apache2/access.log' \
	'EXPOSE 80' \
	'STOPSIGNAL SIGWINCH' \
	'CMD ["/bin/sh", "/usr/local/bin/apache2-foreground"]'

rc=0
wait "$db_pid" || rc=$?
cat "$db_out"
[ "$rc" -eq 0 ] || exit "$rc"
# Debian's postinst made a data directory in the image; the entrypoint must
# see an empty one to create the database from the environment.
envctl_derived_image --context "$offline/db" "$prefix-db" "$prefix-db-base:latest" \
	'COPY entrypoint.sh /usr/local/bin/envctl-mariadb-entrypoint' \
	'COPY healthcheck.sh /usr/local/bin/envctl-mariadb-healthcheck' \
	'RUN rm -rf /var/lib/mysql/* && mkdir -p /run/mysqld && chown mysql:mysql /var/lib/mysql /run/mysqld' \
	'EXPOSE 3306' \
	'STOPSIGNAL SIGTERM' \
	'ENTRYPOINT ["/bin/sh", "/usr/local/bin/envctl-mariadb-entrypoint"]'
