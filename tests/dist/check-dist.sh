#!/bin/sh
# The release tarball: meson dist of the committed tree (in a clone, so
# that this build is left alone) leaves CI's files out and keeps what a
# user needs; the tarball then configures, builds, and passes the unit and
# ABI suites and the documents' link check on its own.
#
#   check-dist.sh SOURCE_ROOT
# Exit status: 0 pass, 1 fail, 77 skip (not a git checkout, or changes not
# committed: meson dist packs commits only).
set -eu
src=$1
if ! git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
  echo "SKIP: $src is not a git checkout (a tarball already)"; exit 77
fi
if [ -n "$(git -C "$src" status --porcelain --untracked-files=no)" ]; then
  echo "SKIP: $src has uncommitted changes, which meson dist would leave out"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
version=$(sed -n "s/^ *version: '\([^']*\)'.*/\1/p" "$src/meson.build" | head -1)

git clone -q "$src" "$work/src"
meson setup "$work/b" "$work/src" -Dtests=disabled -Dexamples=disabled \
  -Ddocs=false >"$work/log" 2>&1 || { cat "$work/log"; exit 1; }
meson dist -C "$work/b" --no-tests --formats xztar >"$work/log" 2>&1 ||
  { cat "$work/log"; exit 1; }
tarball=$work/b/meson-dist/libsgx2-$version.tar.xz
[ -f "$tarball" ] || { echo "FAIL: no $tarball"; exit 1; }
tar tJf "$tarball" | sed "s|^libsgx2-$version/||" | sort >"$work/list"
fail=0
for f in .ci/run .gitattributes .gitignore; do
  if grep -qx "$f" "$work/list"; then
    echo "FAIL: the tarball has $f"; fail=1
  fi
done
for f in NEWS CONTRIBUTING.md LICENSE README.md meson.build \
    meson_options.txt include/sgx2.h doc/kernel-behaviour.md doc/aliases \
    .clang-format; do
  grep -qx "$f" "$work/list" || { echo "FAIL: the tarball lacks $f"; fail=1; }
done
[ "$fail" -eq 0 ] || exit 1
echo "ok: $(wc -l <"$work/list") files in libsgx2-$version.tar.xz, no CI files"

mkdir "$work/x"
tar xJf "$tarball" -C "$work/x"
top=$work/x/libsgx2-$version
python3 "$top/tests/doc/check-links.py" "$top" || exit 1
meson setup "$work/xb" "$top" -Dwerror=true >"$work/log" 2>&1 ||
  { cat "$work/log"; exit 1; }
meson test -C "$work/xb" --print-errorlogs --suite unit --suite abi \
  >"$work/log" 2>&1 || { cat "$work/log"; exit 1; }
grep -E '^(Ok|Fail):' "$work/log"
echo "ok: the tarball builds and passes its unit and ABI suites"
