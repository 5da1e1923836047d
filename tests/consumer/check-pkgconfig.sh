#!/bin/sh
# Install into a scratch root, then build and run a consumer the way a
# downstream project would: cc consumer.c $(pkg-config --cflags --libs libsgx2).
set -eu
build=$1 src=$2
. "$(dirname "$0")/install-root.sh"
install_root "$build" "$3" "$4" "${5:-none}"
flags=$(pkg-config --cflags --libs libsgx2)
echo "pkg-config: $flags"
case $flags in *-lsgx2*) ;; *) echo "no -lsgx2 in the .pc"; exit 1 ;; esac
${CC:-cc} -Wall -Wextra -Werror $extra "$src/consumer.c" -o "$root/consumer" $flags
readelf -d "$root/consumer" | grep -q 'NEEDED.*libsgx2.so.0' || { echo "consumer does not need libsgx2.so.0"; exit 1; }
LD_LIBRARY_PATH="$root$libdir" "$root/consumer"
