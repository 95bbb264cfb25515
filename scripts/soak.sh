#!/usr/bin/env bash
# Soak test (not run in CI): ten minutes of mixed load against a registry
# on PostgreSQL, with the database connections killed twice on the way.
# It builds the registry, creates a scratch database registry_soak_<pid> on
# 127.0.0.1:5432, seeds it, makes three admin keys, serves on 127.0.0.1,
# runs scripts/soak (reads of every shape at 32 clients, 20 writes a second
# from the keys, an IATI import every 45 s, pg_terminate_backend at a third
# and two thirds of the run), prints its figures, then stops the server and
# drops the database. Everything it starts stops by itself.
#
#   bash scripts/soak.sh [DURATION]      # default 10m
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-10m}"
admin="${REGISTRY_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}"
db="registry_soak_$$"
url="postgres://postgres@127.0.0.1:5432/$db?sslmode=disable"
port=$((18000 + $$ % 1000))
work=$(mktemp -d)

bash scripts/postgres.sh >/dev/null
go build -o "$work/registry" ./cmd/registry
go build -o "$work/soak" ./scripts/soak
psql "$admin" -qc "CREATE DATABASE $db" >/dev/null

server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  psql "$admin" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

"$work/registry" seed --db "$url" >/dev/null
keys=()
for org in UNITAR IOM UNDP; do
  keys+=("$("$work/registry" keys create --db "$url" --organisation "$org" --role admin --label soak 2>/dev/null)")
done
"$work/registry" serve --db "$url" --addr "127.0.0.1:$port" --demo=false --no-playground --log-format json >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done

status=0
# The soak stops itself after DURATION; timeout is a backstop.
timeout 45m "$work/soak" -url "http://127.0.0.1:$port" -db "$admin" -store "$url" -dbname "$db" -duration "$duration" \
  -keys "$(IFS=,; echo "${keys[*]}")" || status=$?
echo "server log: $(grep -c '"level":"ERROR"' "$work/server.log" || true) error lines, $(grep -c 'store unavailable' "$work/server.log" || true) 'store unavailable' warnings"
exit "$status"
