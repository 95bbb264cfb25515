#!/usr/bin/env bash
# The project's test command (the README's second line): makes sure
# PostgreSQL and npm are there, then runs every test on both stores.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/postgres.sh
if ! command -v npm >/dev/null; then
  # GraphiQL's assets are installed from the npm registry at build or start.
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; fi
fi
go test -count=1 "$@" ./...
