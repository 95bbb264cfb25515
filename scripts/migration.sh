#!/usr/bin/env bash
# Writes the next schema migration for both stores after a change to
# ent/schema (see DEVELOPERS.md, "Schema migrations"):
#
#   go generate ./...            # ent's code from ent/schema first
#   scripts/migration.sh NAME    # e.g. add_programme_code_index
#
# It makes sure PostgreSQL answers (a scratch database on it is Atlas's dev
# database for the postgres files; SQLite's is in memory), then runs
# `registry migrate diff NAME`.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -ne 1 ]; then
  echo "usage: scripts/migration.sh NAME   (lower-case words joined by _, e.g. add_programme_code_index)" >&2
  exit 2
fi
bash scripts/postgres.sh
go run ./cmd/registry migrate diff "$1"
