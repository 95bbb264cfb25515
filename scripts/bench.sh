#!/usr/bin/env bash
# Measure the registry on the benchmark dataset (../shared/bench), right after
# the peer (PostGraphile) on the same PostgreSQL, and print one line per
# query and concurrency (Q1-Q4 of the shared benchmark; Q5-Q6 of
# scripts/bench/, with their PostGraphile twins and SQL floors): requests
# per second, p50/p99, SQL statements per request; then the server's peak
# resident memory.
# usage: scripts/bench.sh [SECONDS=20]
#   PEER=0 skips the peer's run; REGISTRY_FLAGS adds serve flags, e.g.
#   "--no-sql-json --analytics-cache 0" for the general path alone; DB
#   another database than registry_bench (loaded when empty).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bench=${BENCH:-$root/../shared/bench}
secs=${1:-20}
work=${BENCH_WORK:-${TMPDIR:-/tmp}/registry-bench}
db=${DB:-postgres://postgres@127.0.0.1:5432/registry_bench?sslmode=disable}
addr=127.0.0.1:8095

bash "$root/scripts/postgres.sh"
mkdir -p "$work"
[ -f "$work/data/programmes.jsonl" ] || (cd "$bench/gen" && go run . -out "$work/data")
go build -o "$work/registry" "$root/cmd/registry"
if ! psql "$db" -Atc "SELECT 1 FROM programmes LIMIT 1" >/dev/null 2>&1; then
  name=${db##*/}; name=${name%%\?*}
  psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $name"
  "$work/registry" load --db "$db" "$work/data" 2>&1 | tr '\r' '\n' | tail -1
fi

own=$root/scripts/bench
if [ "${PEER:-1}" = 1 ]; then
  bash "$bench/peer/run.sh" "$secs"
  # Q5 and Q6 are the registry's own questions (a funding list, an
  # organisation portfolio): their PostGraphile twins and hand-written floors
  # run on the peer's database, which run.sh has loaded.
  "$bench/peer/serve.sh" >"${TMPDIR:-/tmp}/peer-server.log" 2>&1 &
  peer=$!
  sleep 10
  for c in 16 64; do
    for q in q5-funding-list q6-portfolio; do
      echo "postgraphile $("$bench/measure.sh" http://127.0.0.1:5678/graphql "$own/peer/$q.graphql" "$c" "$secs")"
    done
    for q in q5 q6; do
      echo "sql-floor $q c=$c $(pgbench -h 127.0.0.1 -U postgres -n -c "$c" -j 2 -T "$secs" -f "$own/floor/$q.sql" peer 2>/dev/null |
        awk '/^tps/ {print $3 " tps"} /latency average/ {print "avg=" $4 "ms"}' | tr '\n' ' ')"
    done
  done
  kill "$peer" 2>/dev/null || true
  wait "$peer" 2>/dev/null || true
fi

# shellcheck disable=SC2086 # REGISTRY_FLAGS is a list of flags
"$work/registry" serve --db "$db" --addr "$addr" --demo false --no-playground --log-format json ${REGISTRY_FLAGS:-} \
  >"$work/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do curl -sf "http://$addr/readyz" >/dev/null && break; sleep 0.2; done

# metric NAME: the sum of a counter over all its labels.
metric() { curl -s "http://$addr/metrics" | awk -v m="$1" '$1 ~ "^"m"({|$)" {s += $2} END {printf "%d", s}'; }
for c in 16 64; do
  for file in "$bench"/queries/q{1-list,2-cross-agency,3-lookup,4-aggregate}.graphql \
    "$own"/q{5-funding-list,6-portfolio}.graphql; do
    s0=$(metric registry_sql_statement_duration_seconds_count)
    r0=$(metric registry_graphql_requests_total)
    line=$("$bench/measure.sh" "http://$addr/query" "$file" "$c" "$secs")
    s1=$(metric registry_sql_statement_duration_seconds_count)
    r1=$(metric registry_graphql_requests_total)
    echo "registry $line statements/request=$(awk -v s=$((s1 - s0)) -v r=$((r1 - r0)) 'BEGIN {printf "%.2f", s / r}')"
  done
done
echo "registry peak RSS: $(awk '/VmHWM/ {printf "%.0f MB", $2 / 1024}' "/proc/$pid/status")"
