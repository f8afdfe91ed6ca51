#!/usr/bin/env bash
# Build the site and publish output/ to any static host with rsync.
#
#   scripts/publish-rsync.sh TARGET [extra `giaoban build` options]
#
# TARGET is anything rsync accepts: user@host:/var/www/hdnd/ or a local directory.
# Environment: SOURCE (site root, default .), GIAOBAN (the command, default giaoban).
# The build runs first; if any article is broken it exits non-zero and nothing is uploaded.
set -euo pipefail

if [ $# -lt 1 ]; then
  echo "cách dùng: $0 ĐÍCH [tùy chọn của giaoban build]   (ví dụ: web@may-chu:/var/www/hdnd/)" >&2
  exit 2
fi
target=$1
shift
source_dir=${SOURCE:-.}
read -r -a giaoban <<< "${GIAOBAN:-giaoban}"
output=$(mktemp -d "${TMPDIR:-/tmp}/giaoban-publish.XXXXXX")
trap 'rm -rf "$output"' EXIT

# A content error makes `giaoban build` exit 1; `set -e` then stops before rsync runs.
"${giaoban[@]}" build --source "$source_dir" --output "$output/site" "$@"

# --delay-updates puts every changed file in place at the end, so readers rarely see a half-updated
# site; --delete removes pages that no longer exist (a draft that was published by mistake, say).
rsync --recursive --links --times --checksum --delete --delay-updates --human-readable --stats \
  "$output/site/" "$target"
