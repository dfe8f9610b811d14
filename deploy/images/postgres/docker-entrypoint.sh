#!/usr/bin/env bash
# Entrypoint of localhost/partnermesh/postgres:15 - same contract as the official
# postgres image's docker-entrypoint.sh (which Testcontainers' PostgreSqlBuilder
# relies on, including calling it by this name):
#   - first argument starting with '-'  ->  `postgres <args>`
#   - as root: fix ownership of $PGDATA and the socket dir, then re-run as `postgres`
#   - empty $PGDATA (no PG_VERSION): initdb from POSTGRES_USER / POSTGRES_PASSWORD /
#     POSTGRES_DB, scram-sha-256 for host connections, listen on all addresses,
#     run /docker-entrypoint-initdb.d/*.sh|*.sql|*.sql.gz against a temporary
#     socket-only server
#   - exec the server (PID 1, so SIGINT/SIGTERM stop it cleanly)
set -Eeo pipefail

if [ "${1:0:1}" = '-' ]; then
	set -- postgres "$@"
fi

: "${PGDATA:=/var/lib/postgresql/data}"
export PGDATA

if [ "$1" = 'postgres' ] && [ "$(id -u)" = '0' ]; then
	mkdir -p "$PGDATA" /var/run/postgresql
	# a fresh named volume is owned by root; data from another image may have another uid
	find "$PGDATA" \! -user postgres -exec chown postgres:postgres '{}' +
	chmod 700 "$PGDATA" || :
	chown postgres:postgres /var/run/postgresql
	chmod 3777 /var/run/postgresql
	exec setpriv --reuid=postgres --regid=postgres --init-groups \
		env HOME=/var/lib/postgresql USER=postgres LOGNAME=postgres \
		"${BASH_SOURCE[0]}" "$@"
fi

psql_init() {
	psql -v ON_ERROR_STOP=1 --no-psqlrc --no-password --username "$POSTGRES_USER" "$@"
}

run_init_files() {
	local f
	for f in /docker-entrypoint-initdb.d/*; do
		[ -e "$f" ] || continue
		case "$f" in
			*.sh)
				if [ -x "$f" ]; then
					echo "$0: running $f"; "$f"
				else
					echo "$0: sourcing $f"
					# shellcheck disable=SC1090
					. "$f"
				fi ;;
			*.sql) echo "$0: running $f"; psql_init --dbname "$POSTGRES_DB" -f "$f" ;;
			*.sql.gz) echo "$0: running $f"; gzip -dc "$f" | psql_init --dbname "$POSTGRES_DB" ;;
			*) echo "$0: ignoring $f" ;;
		esac
	done
}

init_database() {
	: "${POSTGRES_USER:=postgres}"
	: "${POSTGRES_DB:=$POSTGRES_USER}"
	local auth="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}"
	export POSTGRES_USER POSTGRES_DB

	if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "$auth" != 'trust' ]; then
		cat >&2 <<-'EOM'
			Error: database is uninitialized and superuser password is not specified.
			       Set POSTGRES_PASSWORD (or POSTGRES_HOST_AUTH_METHOD=trust, not recommended).
		EOM
		exit 1
	fi

	# shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS is a list of words, as in the official image
	set -- --username="$POSTGRES_USER" -D "$PGDATA" \
		--encoding=UTF8 --locale=C.UTF-8 --auth-local=trust --auth-host="$auth" \
		${POSTGRES_INITDB_ARGS:-}
	if [ -n "${POSTGRES_PASSWORD:-}" ]; then
		initdb "$@" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD")
	else
		initdb "$@"
	fi

	printf "\nlisten_addresses = '*'\n" >> "$PGDATA/postgresql.conf"
	printf '\nhost all all all %s\n' "$auth" >> "$PGDATA/pg_hba.conf"

	# temporary server: unix socket only, so nothing outside sees it before init is done
	pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p 5432" -w start

	if [ "$POSTGRES_DB" != 'postgres' ]; then
		local exists
		exists="$(psql_init --dbname postgres --set db="$POSTGRES_DB" --tuples-only --no-align <<-'EOSQL'
			SELECT 1 FROM pg_database WHERE datname = :'db' ;
		EOSQL
		)"
		if [ -z "$exists" ]; then
			psql_init --dbname postgres --set db="$POSTGRES_DB" <<-'EOSQL'
				CREATE DATABASE :"db" ;
			EOSQL
		fi
	fi

	run_init_files

	pg_ctl -D "$PGDATA" -m fast -w stop
	echo
	echo 'PostgreSQL init process complete; ready for start up.'
	echo
}

if [ "$1" = 'postgres' ]; then
	if [ ! -s "$PGDATA/PG_VERSION" ]; then
		init_database
	else
		echo 'PostgreSQL Database directory appears to contain a database; Skipping initialization'
	fi
fi

exec "$@"
