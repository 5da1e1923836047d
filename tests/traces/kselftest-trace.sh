#!/bin/sh
# SPDX-License-Identifier: MIT
# The meson test "trace-kselftest": the kernel's SGX selftests, built from
# Debian's linux-source package as the test "kselftest" builds them, run
# on the simulator under sgx2-trace (run-kselftest --run-with), then the
# recording checked (every SGX ioctl decoded; entries, exits, handler
# calls, mappings recorded) and replayed on a fresh simulator; and an
# altered copy of it, whose divergence the replay must catch at its line.
#
#   kselftest-trace.sh KSELFTEST_SH RUN_KSELFTEST WORK_DIR SIM_LIB SGX2_TRACE
#                      SGX2_REPLAY PYTHON CHECK_TRACE B_SANITIZE CC_ID CC...
#
# Exit: 0 pass, 1 fail, 77 skip (no kernel source package, as kselftest.sh).
set -u
ks=$1 run=$2 work=$3 sim=$4 trace=$5 replay=$6 python=$7 check=$8
sanitize=$9
shift 9

mkdir -p "$work" || exit 1
out=$work/kselftest.jsonl
rm -f "$out"
SGX2_KSELFTEST_RUN_WITH="$trace -o $out --json --" \
	"$ks" "$run" "$work" "$sim" "$sanitize" "$@"
rc=$?
[ "$rc" -eq 0 ] || exit "$rc"
# And a copy in which the kernel let a TCS page be restricted (the test
# tcs_permissions expects EINVAL): caught at that line.
exec "$python" "$check" check --out "$out" --replay "$replay" \
	--alter RESTRICT_PERMISSIONS:EINVAL \
	--need CREATE,ADD_PAGES,INIT,MODIFY_TYPES,RESTRICT_PERMISSIONS,REMOVE_PAGES \
	--events open,mmap,mprotect,munmap,close,eenter,eexit,handler,handler_ret
