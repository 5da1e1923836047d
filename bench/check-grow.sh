#!/bin/sh
# The growth table's counts hold: every row ends "| yes |".
set -eu
out=$("$1" grow)
printf '%s\n' "$out"
rows=$(printf '%s\n' "$out" | grep -c '^| .*| [0-9]')
bad=$(printf '%s\n' "$out" | grep '^| .*| [0-9]' | grep -vc '| yes |$' || true)
[ "$rows" -eq 8 ] && [ "$bad" -eq 0 ]
