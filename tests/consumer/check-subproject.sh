#!/bin/sh
# Build and run a consumer that gets libsgx2 through
# dependency('libsgx2', fallback: ...), forced to use the subproject.
set -eu
src=$1 consumer=$2 sanitize=${3:-none}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/app/subprojects"
cp "$consumer/subproject/meson.build" "$work/app/"
cp "$consumer/consumer.c" "$consumer/as-needed.c" "$work/"
ln -s "$src" "$work/app/subprojects/libsgx2"
meson setup "$work/build" "$work/app" --force-fallback-for=libsgx2 \
  -Db_sanitize="$sanitize" -Db_lundef=false >"$work/setup.log" 2>&1 ||
  { cat "$work/setup.log"; exit 1; }
meson test -C "$work/build" --print-errorlogs consumer sim-as-needed
