#!/bin/sh
# Install into a scratch root, then build and run a consumer the way a
# downstream project would: cc consumer.c $(pkg-config --cflags --libs libsgx2).
set -eu
build=$1 src=$2 prefix=$3 libdir=$4 sanitize=${5:-none}
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

meson install -C "$build" --no-rebuild --destdir "$root" >/dev/null
case $libdir in /*) ;; *) libdir=$prefix/$libdir ;; esac
export PKG_CONFIG_PATH="$root$libdir/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$root"
flags=$(pkg-config --cflags --libs libsgx2)
echo "pkg-config: $flags"
case $flags in *-lsgx2*) ;; *) echo "no -lsgx2 in the .pc"; exit 1 ;; esac
# A sanitized library needs its runtime in the program that loads it.
extra=
[ "$sanitize" = none ] || extra=-fsanitize=$sanitize
${CC:-cc} -Wall -Wextra -Werror $extra "$src/consumer.c" -o "$root/consumer" $flags
readelf -d "$root/consumer" | grep -q 'NEEDED.*libsgx2.so.0' || { echo "consumer does not need libsgx2.so.0"; exit 1; }
LD_LIBRARY_PATH="$root$libdir" "$root/consumer"
