#!/bin/bash
# The province benchmark of issue 20 (BENCHMARKS.md, "Central for a
# province"): 10,000 simulated hall hubs, each pushing a hall's day at 100×
# speed and asking for changes every 5 s, against 1, 2 and 3 `onewindow
# central serve` processes on one PostgreSQL, over loopback.
#
#   bash packaging/bench-province.sh            # 1, 2 and 3 servers
#   SERVERS="3" bash packaging/bench-province.sh
#   SERVERS="1" PROVINCELOAD_ARGS="-terminals 2000" bash packaging/bench-province.sh
#
# It builds onewindow and internal/provinceload (with -tags no_emoji),
# starts a throw-away PostgreSQL cluster from Debian's postgresql package
# the way internal/pgtest does (a unix socket only; fsync, synchronous
# commit and full-page writes off, max_connections=200), and for each
# count of servers: a fresh database, the servers on 127.0.0.1:8101…
# (the first alone until it has made the schema), the load generator
# (see internal/provinceload), the servers stopped. Each run's summary is
# printed and kept as JSON in the work folder (WORK=…, default a new
# folder under /tmp). Everything it started is stopped when it ends, and
# the cluster removed (it needs about 10 GB free while the three 10,000-hub
# runs last). A run of 1, 2 and 3 servers takes about 25 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=$PATH:/usr/local/go/bin
SERVERS=${SERVERS:-"1 2 3"}
WORK=${WORK:-$(mktemp -d /tmp/onewindow-province-XXXXXX)}
mkdir -p "$WORK"
echo "work folder: $WORK" >&2
ulimit -n 65536 2>/dev/null || true

go build -tags no_emoji -o "$WORK/onewindow" ./cmd/onewindow
go build -tags no_emoji -o "$WORK/provinceload" ./internal/provinceload

pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
[ -x "$pgbin/initdb" ] || { echo "PostgreSQL is not installed: apt-get install postgresql" >&2; exit 1; }
pg=$WORK/pg
rm -rf "$pg"
mkdir -p "$pg"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres: "$pg"
servers=()
cleanup() {
	for p in "${servers[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	as_pg "$pgbin/pg_ctl" -D "$pg/data" -m fast -w stop >/dev/null 2>&1 || true
	rm -rf "$pg" # about 10 GB after the three 10,000-hub runs; the summaries and logs stay
}
trap cleanup EXIT
as_pg "$pgbin/initdb" -D "$pg/data" -U postgres -A trust -E UTF8 --no-sync --locale=C >/dev/null
as_pg "$pgbin/pg_ctl" -D "$pg/data" -l "$pg/log" -w -t 60 \
	-o "-k $pg -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null
pgpid=$(head -1 "$pg/data/postmaster.pid")
echo "PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') on $pg (postmaster $pgpid)" >&2

for n in $SERVERS; do
	db=province_${n}_$(date +%s)
	as_pg "$pgbin/psql" -h "$pg" -U postgres -qc "CREATE DATABASE $db" postgres
	dsn="host=$pg user=postgres dbname=$db sslmode=disable"
	urls=()
	servers=()
	for i in $(seq 1 "$n"); do
		port=$((8100 + i))
		"$WORK/onewindow" central serve -listen "127.0.0.1:$port" -db "$dsn" -keys "$WORK/central.key" \
			-log-level warn >"$WORK/server-$n-$i.log" 2>&1 &
		servers+=($!)
		urls+=("http://127.0.0.1:$port")
		for _ in $(seq 1 100); do # the first makes the schema before the others start
			curl -fs "http://127.0.0.1:$port/v1/health" >/dev/null 2>&1 && break
			sleep 0.2
		done
	done
	echo "== $n server(s): ${urls[*]} (pids ${servers[*]}), database $db" >&2
	"$WORK/provinceload" -urls "$(IFS=,; echo "${urls[*]}")" -dsn "$dsn" -keys "$WORK/central.key" \
		-pg-pid "$pgpid" -server-pids "$(IFS=,; echo "${servers[*]}")" \
		-label "$n server(s)" -json "$WORK/result-$n.json" ${PROVINCELOAD_ARGS:-} 2>&1 | tee "$WORK/load-$n.log"
	for p in "${servers[@]}"; do kill "$p" 2>/dev/null || true; done
	wait "${servers[@]}" 2>/dev/null || true
	servers=()
	grep -h 'level=ERROR' "$WORK"/server-"$n"-*.log | head -5 >&2 || true
done
echo "results: $WORK/result-*.json" >&2
