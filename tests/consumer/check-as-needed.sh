#!/bin/sh
# The simulator attaches through pkg-config under --as-needed (Debian's
# gcc default): install into a scratch root, build a program that calls
# only libsgx2 with -Wl,--as-needed and $(pkg-config --libs libsgx2-sim
# libsgx2), in both orders, and check that it needs libsgx2-sim.so.0 and
# that the probe, run with SGX2_SIM_DEVICE=1, finds the simulator.
set -eu
build=$1 src=$2
. "$(dirname "$0")/install-root.sh"
install_root "$build" "$3" "$4" "${5:-none}"
for mods in "libsgx2-sim libsgx2" "libsgx2 libsgx2-sim"; do
  flags=$(pkg-config --cflags --libs $mods)
  echo "pkg-config --cflags --libs $mods: $flags"
  ${CC:-cc} -Wall -Wextra -Werror $extra "$src/as-needed.c" \
    -o "$root/as-needed" -Wl,--as-needed $flags
  readelf -d "$root/as-needed" | grep -q 'NEEDED.*libsgx2-sim.so.0' ||
    { echo "FAIL: --as-needed dropped libsgx2-sim.so.0 ($mods)"; exit 1; }
  SGX2_SIM_DEVICE=1 LD_LIBRARY_PATH="$root$libdir" "$root/as-needed"
done
