#!/usr/bin/env bash
# Regenerates the IATI codelist data of internal/codelists (one
# internal/codelists/data/NAME.tsv per list) and the source commits recorded
# in internal/codelists/doc.go, from bare git copies of the two IATI
# repositories (see DEVELOPERS.md, "IATI codelists"):
#
#   scripts/codelists.sh CODELISTS_GITDIR NONEMBEDDED_GITDIR
#
# CODELISTS_GITDIR is IATI/IATI-Codelists; its branch version-2.03 is read
# (CODELISTS_REF overrides). NONEMBEDDED_GITDIR is
# IATI/IATI-Codelists-NonEmbedded; its branch master is read (NONEMBEDDED_REF
# overrides). Only the xml/ folder of each is used.
set -euo pipefail
if [ $# -ne 2 ]; then
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
emb_git=$(cd "$1" && pwd)
non_git=$(cd "$2" && pwd)
emb_ref=${CODELISTS_REF:-version-2.03}
non_ref=${NONEMBEDDED_REF:-master}
cd "$(dirname "$0")/.."

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# extract GITDIR REF DEST: the ref's commit on stdout, its xml/*.xml in DEST.
extract() {
  local commit
  commit=$(git --git-dir="$1" rev-parse --verify "$2^{commit}")
  mkdir -p "$3"
  git --git-dir="$1" archive "$commit" xml | tar -x -C "$3"
  echo "$commit"
}
emb_commit=$(extract "$emb_git" "$emb_ref" "$tmp/emb")
non_commit=$(extract "$non_git" "$non_ref" "$tmp/non")

go run ./internal/codelists/internal/gen -out internal/codelists \
  -src "IATI/IATI-Codelists|$emb_ref|$emb_commit|$tmp/emb/xml" \
  -src "IATI/IATI-Codelists-NonEmbedded|$non_ref|$non_commit|$tmp/non/xml"
du -sh internal/codelists/data
