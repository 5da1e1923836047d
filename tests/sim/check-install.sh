#!/bin/sh
# Install into a scratch root, then build and run a consumer the way a
# downstream project would: cc consumer.c $(pkg-config --cflags --libs
# libsgx2-sim).
set -eu
build=$1 src=$2 prefix=$3 libdir=$4 sanitize=${5:-none}
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

meson install -C "$build" --no-rebuild --destdir "$root" >/dev/null
case $libdir in /*) ;; *) libdir=$prefix/$libdir ;; esac
for f in "$root$prefix/include/sgx2-sim.h" "$root$libdir/libsgx2-sim.so.0" \
         "$root$libdir/pkgconfig/libsgx2-sim.pc"; do
  [ -e "$f" ] || { echo "not installed: $f"; exit 1; }
done
export PKG_CONFIG_PATH="$root$libdir/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$root"
flags=$(pkg-config --cflags --libs libsgx2-sim)
echo "pkg-config: $flags"
case $flags in *-lsgx2-sim*) ;; *) echo "no -lsgx2-sim in the .pc"; exit 1 ;; esac
extra=
[ "$sanitize" = none ] || extra=-fsanitize=$sanitize
${CC:-cc} -Wall -Wextra -Werror $extra "$src/consumer.c" -o "$root/consumer" $flags
readelf -d "$root/consumer" | grep -q 'NEEDED.*libsgx2-sim.so.0' || { echo "consumer does not need libsgx2-sim.so.0"; exit 1; }
LD_LIBRARY_PATH="$root$libdir" "$root/consumer"
