#!/usr/bin/env bash
# Fails when `go generate ./...` would change committed code: generated ent
# and gqlgen code and internal/sqljson's map must match ent/schema and
# graph/*.graphql, and installing
# GraphiQL's files or building the dashboard must leave no file git sees
# (node_modules and build output are ignored, never committed).
set -euo pipefail
cd "$(dirname "$0")/.."
go generate ./...
if [ -n "$(git status --porcelain -- ent graph gqlgen.yml go.mod go.sum internal/dashboard internal/graphiql internal/sqljson)" ]; then
  echo "check-generated: go generate changed committed files; run it and commit:" >&2
  git status --porcelain -- ent graph gqlgen.yml go.mod go.sum internal/dashboard internal/graphiql internal/sqljson >&2
  git --no-pager diff --stat >&2
  exit 1
fi
echo "check-generated: generated code is current"
