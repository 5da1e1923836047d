#!/bin/sh
# Install into a scratch root, then build and run a consumer the way a
# downstream project would: cc consumer.c $(pkg-config --cflags --libs
# libsgx2-sim); and run the installed sgx2-probe on the simulator.
set -eu
build=$1 src=$2 prefix=$3 sanitize=${5:-none} bindir=${6:-bin}
. "$(dirname "$0")/../consumer/install-root.sh"
install_root "$build" "$prefix" "$4" "$sanitize"
case $bindir in /*) ;; *) bindir=$prefix/$bindir ;; esac
for f in "$root$prefix/include/sgx2-sim.h" "$root$libdir/libsgx2-sim.so.0" \
         "$root$libdir/pkgconfig/libsgx2-sim.pc" "$root$bindir/sgx2-probe"; do
  [ -e "$f" ] || { echo "not installed: $f"; exit 1; }
done
flags=$(pkg-config --cflags --libs libsgx2-sim)
echo "pkg-config: $flags"
case $flags in *-lsgx2-sim*) ;; *) echo "no -lsgx2-sim in the .pc"; exit 1 ;; esac
${CC:-cc} -Wall -Wextra -Werror $extra "$src/consumer.c" -o "$root/consumer" $flags
readelf -d "$root/consumer" | grep -q 'NEEDED.*libsgx2-sim.so.0' || { echo "consumer does not need libsgx2-sim.so.0"; exit 1; }
LD_LIBRARY_PATH="$root$libdir" "$root/consumer"
# The installed probe answers on the installed simulator, preloaded.
[ "$sanitize" = none ] || export ASAN_OPTIONS=verify_asan_link_order=0
SGX2_SIM_DEVICE=1 LD_PRELOAD="$root$libdir/libsgx2-sim.so.0" \
  LD_LIBRARY_PATH="$root$libdir" "$root$bindir/sgx2-probe" ||
  { echo "the installed sgx2-probe did not find the simulator"; exit 1; }
