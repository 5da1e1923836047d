#!/bin/sh
# SPDX-License-Identifier: MIT
# The meson test "kselftest": the kernel's SGX selftests from Debian's
# linux-source package, built unmodified and run on the just-built
# libsgx2-sim by run-kselftest.
#
#   kselftest.sh RUN_KSELFTEST WORK_DIR SIM_LIB B_SANITIZE CC_ID CC...
#
# The tarball is $SGX2_KSELFTEST_TARBALL, else the newest
# /usr/src/linux-source-*.tar.xz, or every one of them with
# SGX2_KSELFTEST_ALL=1. Only the paths run-kselftest --print-paths lists
# are extracted (the whole xz stream is still read: ~10 s), into
# WORK_DIR/linux-src/linux-source-X.Y, and kept there until the tarball
# changes (its path, size and mtime). Exit: 0 pass, 1 fail, 77 skip with
# the reason printed: no tarball, or an ASan runtime that cannot be found.
set -u
run=$1 work=$2 sim=$3 sanitize=$4 ccid=$5
shift 5

# The tarballs: $SGX2_KSELFTEST_TARBALL, else the newest installed, or
# with SGX2_KSELFTEST_ALL=1 (the meson test sets it) every one installed.
if [ -n "${SGX2_KSELFTEST_TARBALL:-}" ]; then
	tarballs=$SGX2_KSELFTEST_TARBALL
	[ -f "$tarballs" ] || tarballs=
else
	tarballs=$(for t in /usr/src/linux-source-*.tar.xz; do
		[ -f "$t" ] && echo "$t"
	done | sort -V)
	[ -n "${SGX2_KSELFTEST_ALL:-}" ] || tarballs=$(printf '%s\n' "$tarballs" | tail -n 1)
fi
if [ -z "$tarballs" ]; then
	echo "SKIP: no kernel source package (/usr/src/linux-source-*.tar.xz${SGX2_KSELFTEST_TARBALL:+, or $SGX2_KSELFTEST_TARBALL}): apt-get install linux-source-6.1"
	exit 77
fi

# extract TARBALL: the paths run-kselftest reads, into $work/linux-src/TOP
# (Debian's tarballs hold linux-source-X.Y/), once per tarball; $tree then.
extract() {
	tarball=$1
	top=$(basename "$tarball" .tar.xz)
	src=$work/linux-src/$top
	tree=$src/$top
	stamp="$tarball $(stat -c '%s %Y' "$tarball")"
	if [ "$(cat "$src/stamp" 2>/dev/null)" = "$stamp" ] && [ -d "$tree" ]; then
		echo "# kernel tree: $tree, extracted from $tarball before (unchanged since)"
		return 0
	fi
	rm -rf "$src" "$src.new"
	mkdir -p "$src.new" || return 1
	set -f # the paths are tar patterns, not for this shell to expand
	patterns=
	for p in $("$run" --print-paths); do
		patterns="$patterns $top/$p"
	done
	start=$(date +%s)
	# shellcheck disable=SC2086
	if ! tar -xJf "$tarball" -C "$src.new" --wildcards $patterns; then
		echo "extracting$patterns from $tarball failed"
		set +f
		return 1
	fi
	set +f
	echo "$stamp" >"$src.new/stamp"
	mv "$src.new" "$src" || return 1
	echo "# kernel tree: $tree, extracted from $tarball in $(($(date +%s) - start)) s"
}

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
# other machine the simulator models (run-kselftest --machines). With
# more than one tree, each builds in a directory of its own (the newest
# in $work/build, where the trace test finds it) and all must pass.
newest=$(printf '%s\n' "$tarballs" | tail -n 1)
status=0
for tarball in $tarballs; do
	extract "$tarball" || exit 1
	build=$work/build
	[ "$tarball" = "$newest" ] || build=$work/build-$top
	"$run" --sim-lib="$sim" ${first:+--preload-first="$first"} \
		${SGX2_KSELFTEST_MACHINES:+--machines} "$tree" "$build"
	rc=$?
	echo "# $top: exit status $rc"
	[ "$rc" -eq 0 ] || status=1
done
exit $status
