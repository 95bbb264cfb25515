#!/usr/bin/env bash
# The project's test command (the README's second line): makes sure
# PostgreSQL and npm are there, then runs every test on both stores.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/postgres.sh
# Tools the tests use from Debian's packages: npm installs GraphiQL's
# assets and builds the dashboard; xmllint validates IATI exports against
# the official schema; chromium runs the dashboard's end-to-end test.
missing=()
command -v npm >/dev/null || missing+=(npm)
command -v xmllint >/dev/null || missing+=(libxml2-utils)
command -v chromium >/dev/null || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" = 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
go test -count=1 "$@" ./...
