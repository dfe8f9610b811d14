#!/usr/bin/env bash
# Entrypoint of localhost/partnermesh/redis:7 (Debian's redis-server), like the
# official redis image's:
#   - first argument starting with '-' or ending in '.conf'  ->  `redis-server <args>`
#   - as root: own /data, then re-run as the `redis` user
#   - without a config file: `redis-server --bind 0.0.0.0 --protected-mode no <args>`
#     (later arguments win, so callers can still override both)
#   - exec the server (PID 1, SIGTERM shuts it down cleanly)
set -Eeo pipefail

if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then
	set -- redis-server "$@"
fi

if [ "$1" = 'redis-server' ] && [ "$(id -u)" = '0' ]; then
	find . \! -user redis -exec chown redis:redis '{}' +
	exec setpriv --reuid=redis --regid=redis --init-groups \
		env HOME=/var/lib/redis USER=redis LOGNAME=redis \
		"${BASH_SOURCE[0]}" "$@"
fi

if [ "$1" = 'redis-server' ]; then
	shift
	if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
		# a config file comes first and is in charge of bind / protected-mode
		set -- redis-server "$@"
	else
		set -- redis-server --bind 0.0.0.0 --protected-mode no "$@"
	fi
fi

exec "$@"
