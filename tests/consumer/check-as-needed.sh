#!/bin/sh
# The simulator attaches through pkg-config under --as-needed (Debian's
# gcc default): install into a scratch root, build a program that calls
# only libsgx2 with -Wl,--as-needed and $(pkg-config --libs libsgx2-sim
# libsgx2), in both orders, and check that it needs libsgx2-sim.so.0 and
# that the probe, run with SGX2_SIM_DEVICE=1, finds the simulator.
set -eu
build=$1 src=$2 prefix=$3 libdir=$4 sanitize=${5:-none}
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

meson install -C "$build" --no-rebuild --destdir "$root" >/dev/null
case $libdir in /*) ;; *) libdir=$prefix/$libdir ;; esac
export PKG_CONFIG_PATH="$root$libdir/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$root"
extra=
[ "$sanitize" = none ] || extra=-fsanitize=$sanitize
for mods in "libsgx2-sim libsgx2" "libsgx2 libsgx2-sim"; do
  flags=$(pkg-config --cflags --libs $mods)
  echo "pkg-config --cflags --libs $mods: $flags"
  ${CC:-cc} -Wall -Wextra -Werror $extra "$src/as-needed.c" \
    -o "$root/as-needed" -Wl,--as-needed $flags
  readelf -d "$root/as-needed" | grep -q 'NEEDED.*libsgx2-sim.so.0' ||
    { echo "FAIL: --as-needed dropped libsgx2-sim.so.0 ($mods)"; exit 1; }
  SGX2_SIM_DEVICE=1 LD_LIBRARY_PATH="$root$libdir" "$root/as-needed"
done
