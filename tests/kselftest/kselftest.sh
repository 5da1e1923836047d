#!/bin/sh
# SPDX-License-Identifier: MIT
# The meson test "kselftest": the kernel's SGX selftests from Debian's
# linux-source package, built unmodified and run on the just-built
# libsgx2-sim by run-kselftest.
#
#   kselftest.sh RUN_KSELFTEST WORK_DIR SIM_LIB B_SANITIZE CC_ID CC...
#
# The tarball is the newest /usr/src/linux-source-*.tar.xz, or
# $SGX2_KSELFTEST_TARBALL. Only the paths run-kselftest --print-paths
# lists are extracted (the whole xz stream is still read: ~15 s), into
# WORK_DIR/linux-src, and kept there until the tarball changes (its path,
# size and mtime). Exit: 0 pass, 1 fail, 77 skip with the reason printed:
# no tarball, or an ASan runtime that cannot be found.
set -u
run=$1 work=$2 sim=$3 sanitize=$4 ccid=$5
shift 5

tarball=${SGX2_KSELFTEST_TARBALL:-}
if [ -z "$tarball" ]; then
	tarball=$(for t in /usr/src/linux-source-*.tar.xz; do
		[ -f "$t" ] && echo "$t"
	done | sort -V | tail -n 1)
fi
if [ -z "$tarball" ] || [ ! -f "$tarball" ]; then
	echo "SKIP: no kernel source package (/usr/src/linux-source-*.tar.xz${SGX2_KSELFTEST_TARBALL:+, or $SGX2_KSELFTEST_TARBALL}): apt-get install linux-source-6.1"
	exit 77
fi

# Extract once per tarball.
top=$(basename "$tarball" .tar.xz) # Debian's tarballs hold linux-source-X.Y/
src=$work/linux-src
stamp="$tarball $(stat -c '%s %Y' "$tarball")"
if [ "$(cat "$src/stamp" 2>/dev/null)" = "$stamp" ] && [ -d "$src/$top" ]; then
	echo "# kernel tree: $src/$top, extracted from $tarball before (unchanged since)"
else
	rm -rf "$src" "$src.new"
	mkdir -p "$src.new" || exit 1
	set -f # the paths are tar patterns, not for this shell to expand
	patterns=
	for p in $("$run" --print-paths); do
		patterns="$patterns $top/$p"
	done
	start=$(date +%s)
	# shellcheck disable=SC2086
	if ! tar -xJf "$tarball" -C "$src.new" --wildcards $patterns; then
		echo "extracting$patterns from $tarball failed"
		exit 1
	fi
	set +f
	echo "$stamp" >"$src.new/stamp"
	mv "$src.new" "$src" || exit 1
	echo "# kernel tree: $src/$top, extracted from $tarball in $(($(date +%s) - start)) s"
fi

# Under ASan, libsgx2-sim.so needs the ASan runtime in the process, and
# the runtime insists on coming first ("ASan runtime does not come first in
# initial library list" otherwise): preloading it before the simulator
# satisfies that without verify_asan_link_order=0, and its interceptors
# then forward to the simulator's symbols as in a linked ASan program.
# test_sgx itself is not instrumented. No ASAN_OPTIONS are needed then
# (measured with the native-execution simulator: 16/16 with leak checking
# on); the caller's pass through.
first=
case ,$sanitize, in
*,address,*)
	case $ccid in
	clang) rt=libclang_rt.asan-x86_64.so ;;
	*) rt=libasan.so ;;
	esac
	first=$("$@" -print-file-name="$rt")
	case $first in
	/*) [ -e "$first" ] || first= ;;
	*) first= ;;
	esac
	if [ -z "$first" ]; then
		echo "SKIP: built with -fsanitize=address, but '$* -print-file-name=$rt' finds no ASan runtime to preload before libsgx2-sim"
		exit 77
	fi
	echo "# ASan build: preloading $first before libsgx2-sim (ASAN_OPTIONS=${ASAN_OPTIONS:-})"
	;;
esac

# SGX2_KSELFTEST_MACHINES=1 (the meson test sets it): also on every
# other machine the simulator models (run-kselftest --machines).
exec "$run" --sim-lib="$sim" ${first:+--preload-first="$first"} \
	${SGX2_KSELFTEST_MACHINES:+--machines} "$src/$top" "$work/build"
