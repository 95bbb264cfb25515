#!/usr/bin/env bash
# Measure Q4 (fundingSummary by funder and country for Somalia) on the
# benchmark dataset three ways and print one line each, with SQL statements
# per request:
#   afresh        --analytics-cache 0: every request computes the summary
#   afresh-by-funder the same, for the question PostGraphile's twin asks
#                 (scripts/bench/q4-by-funder.graphql: no split by country)
#   cached+events the answer cache on, 4 writes a second to events (a table
#                 Q4 does not read: the cached answer stays valid)
#   cached+fundings the answer cache on, 4 writes a second to fundings
#                 (each one makes the next Q4 compute afresh)
#   sql-floor q4-country the shared Q4 as one hand-written statement
#                 (scripts/bench/floor/q4-country.sql) under pgbench on the
#                 peer's database, when it exists: the physical limit
# usage: scripts/bench-summaries.sh [SECONDS=20] [CLIENTS=16]
#   DB overrides the database (default: scripts/bench.sh's registry_bench,
#   loaded from the generated dataset when empty); REGISTRY a binary to
#   measure instead of this checkout's (another commit's, to compare).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bench=${BENCH:-$root/../shared/bench}
secs=${1:-20}
clients=${2:-16}
work=${BENCH_WORK:-${TMPDIR:-/tmp}/registry-bench}
db=${DB:-postgres://postgres@127.0.0.1:5432/registry_bench?sslmode=disable}
addr=127.0.0.1:8096
rate=${WRITES_PER_SECOND:-4}

bash "$root/scripts/postgres.sh"
mkdir -p "$work"
registry=${REGISTRY:-$work/registry}
[ -n "${REGISTRY:-}" ] || go build -o "$registry" "$root/cmd/registry"
if ! psql "$db" -Atc "SELECT 1 FROM programmes LIMIT 1" >/dev/null 2>&1; then
  [ -f "$work/data/programmes.jsonl" ] || (cd "$bench/gen" && go run . -out "$work/data")
  name=${db##*/}; name=${name%%\?*}
  psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $name"
  "$registry" load --db "$db" "$work/data" 2>&1 | tr '\r' '\n' | tail -1
fi
key=$("$registry" keys create --db "$db" --organisation ORG0001 --role admin --label bench-summaries | head -1)

pid=""
writer=""
stop() {
  [ -n "$writer" ] && kill "$writer" 2>/dev/null || true
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  writer="" pid=""
}
trap stop EXIT

# serve FLAGS...: start the registry and wait until it is ready.
serve() {
  # shellcheck disable=SC2068 # the flags are words
  "$registry" serve --db "$db" --addr "$addr" --demo false --no-playground --log-format json $@ \
    >>"$work/serve-summaries.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do curl -sf "http://$addr/readyz" >/dev/null && return; sleep 0.2; done
  echo "the registry did not start: see $work/serve-summaries.log" >&2
  exit 1
}

gql() {
  jq -n --arg q "$1" '{query: $q}' |
    curl -sf -H 'Content-Type: application/json' -H "Authorization: Bearer $key" --data-binary @- "http://$addr/query"
}

# writes KIND: RATE writes a second, in the background, until killed.
writes() {
  local funding
  funding=$(gql '{ fundings(first: 1) { edges { node { id } } } }' | jq -r '.data.fundings.edges[0].node.id')
  (
    i=0
    while true; do
      i=$((i + 1))
      if [ "$1" = events ]; then
        gql "mutation { createEvent(input: {title: \"bench write $i\"}) { id } }" >/dev/null
      else
        gql "mutation { updateFunding(id: \"$funding\", input: {note: \"bench write $i\"}) { id } }" >/dev/null
      fi
      sleep "$(awk -v r="$rate" 'BEGIN {print 1 / r}')"
    done
  ) &
  writer=$!
}

metric() { curl -s "http://$addr/metrics" | awk -v m="$1" '$1 ~ "^"m"({|$)" {s += $2} END {printf "%d", s}'; }

# measure LABEL [QUERY]: one measure.sh line with statements per request.
measure() {
  local s0 r0 s1 r1 line query=${2:-$bench/queries/q4-aggregate.graphql}
  s0=$(metric registry_sql_statement_duration_seconds_count)
  r0=$(metric 'registry_graphql_requests_total')
  line=$("$bench/measure.sh" "http://$addr/query" "$query" "$clients" "$secs")
  s1=$(metric registry_sql_statement_duration_seconds_count)
  r1=$(metric 'registry_graphql_requests_total')
  echo "$1 $line statements/request=$(awk -v s=$((s1 - s0)) -v r=$((r1 - r0)) 'BEGIN {printf "%.2f", s / r}')"
}

serve --analytics-cache 0
measure "afresh"
measure "afresh-by-funder" "$root/scripts/bench/q4-by-funder.graphql"
stop
for kind in events fundings; do
  serve
  writes "$kind"
  measure "cached+$kind@${rate}/s"
  stop
done
if psql -h 127.0.0.1 -U postgres -d peer -Atc "SELECT 1 FROM app.funding LIMIT 1" >/dev/null 2>&1; then
  echo "sql-floor q4-country c=$clients $(pgbench -h 127.0.0.1 -U postgres -n -c "$clients" -j 2 -T "$secs" \
    -f "$root/scripts/bench/floor/q4-country.sql" peer 2>/dev/null |
    awk '/^tps/ {print $3 " tps"} /latency average/ {print "avg=" $4 "ms"}' | tr '\n' ' ')"
fi
