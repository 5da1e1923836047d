#!/bin/sh
# SPDX-License-Identifier: MIT
# run-kselftest's report and exit status, on fake kernel trees whose
# "test_sgx" prints a chosen TAP stream: all pass; a skip in either
# kselftest style; a crash part-way; setup failures; a build that fails;
# usage errors. No kernel source is needed, so this runs everywhere.
set -u
run=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-run-kselftest.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0

# The simulator: the preload only has to name a file (an empty one makes
# the dynamic linker say it ignores it).
: >"$tmp/sim.so"
printf '/* fake */\n' >"$tmp/cpuid.h"

# fake NAME RC: a tree whose test_sgx prints $tmp/NAME.tap and exits RC.
fake() {
	t=$tmp/$1
	mkdir -p "$t/tools/testing/selftests/sgx" "$t/tools/testing/selftests/x86" \
		"$t/tools/include" "$t/arch/x86/include"
	: >"$t/tools/testing/selftests/lib.mk"
	: >"$t/tools/testing/selftests/kselftest.h"
	cp "$tmp/$1.tap" "$t/tools/testing/selftests/sgx/tap"
	cat >"$t/tools/testing/selftests/sgx/Makefile" <<EOF
all:
	printf '#!/bin/sh\ncat tap\nexit $2\n' >test_sgx
	chmod +x test_sgx
	: >test_encl.elf
EOF
}

# expect NAME STATUS "SUMMARY" [OPTION...]: run on tree NAME.
expect() {
	name=$1 want=$2 summary=$3
	shift 3
	out=$("$run" "$@" --cpuid-header="$tmp/cpuid.h" --sim-lib="$tmp/sim.so" \
		"$tmp/$name" 2>&1)
	got=$?
	last=$(printf '%s\n' "$out" | tail -n 1)
	if [ "$got" -ne "$want" ] || [ "$last" != "$summary" ]; then
		echo "FAIL $name: exit $got (want $want), last line '$last' (want '$summary')"
		printf '%s\n' "$out" | sed 's/^/    /'
		fail=1
	else
		echo "ok $name: exit $got, $last"
	fi
}

printf 'TAP version 13\n1..3\nok 1 enclave.a\nok 2 enclave.b\nok 3 enclave.c\n' >"$tmp/pass.tap"
fake pass 0
expect pass 0 "3 passed, 0 failed, 0 skipped"

printf '1..3\nok 1 enclave.a\nok 2 enclave.b\nok 3 enclave.augment # SKIP System does not support SGX2\n' >"$tmp/skip612.tap"
fake skip612 0
expect skip612 1 "2 passed, 0 failed, 1 skipped"

printf '1..3\nok 1 enclave.a\nok 2 # SKIP enclave.b\nnot ok 3 enclave.c\n' >"$tmp/skip61.tap"
fake skip61 1
expect skip61 1 "1 passed, 1 failed, 1 skipped"

printf '1..16\nok 1 enclave.a\n# RUN enclave.b ...\n' >"$tmp/crash.tap"
fake crash 139
expect crash 1 "1 passed, 15 failed, 0 skipped"

printf 'no tap here\n' >"$tmp/notap.tap"
fake notap 0
expect notap 1 "0 passed, 1 failed, 0 skipped"

printf '1..2\n# main.c:246:a:Failed to initialize the test enclave.\nnot ok 1 enclave.a\n# main.c:246:b:Failed to initialize the test enclave.\nnot ok 2 enclave.b\n' >"$tmp/setup.tap"
fake setup 1
expect setup 1 "0 passed, 2 failed, 0 skipped"

printf '1..2\nSGX_IOC_ENCLAVE_INIT failed: Operation not permitted\n# main.c:246:a:Failed to initialize the test enclave.\nnot ok 1 enclave.a\n# main.c:246:b:Failed to initialize the test enclave.\nnot ok 2 enclave.b\n' >"$tmp/ioctl.tap"
fake ioctl 1
expect ioctl 1 "0 passed, 2 failed, 0 skipped"

printf '1..1\nok 1 enclave.a\n' >"$tmp/nobuild.tap"
fake nobuild 0
printf 'all:\n\tfalse\n' >"$tmp/nobuild/tools/testing/selftests/sgx/Makefile"
out=$("$run" --cpuid-header="$tmp/cpuid.h" --sim-lib="$tmp/sim.so" "$tmp/nobuild" 2>&1)
[ $? -eq 3 ] || { echo "FAIL nobuild: want exit 3"; fail=1; }

# --machines: a test_sgx whose TAP depends on the simulated machine, as
# the real one's does. $tmp/NAME.sh is its body; machines NAME STATUS
# "SUMMARY" runs it.
machines() {
	fake "$1" 0
	printf 'all:\n\tcp fake.sh test_sgx\n\tchmod +x test_sgx\n\t: >test_encl.elf\n' \
		>"$tmp/$1/tools/testing/selftests/sgx/Makefile"
	cp "$tmp/$1.sh" "$tmp/$1/tools/testing/selftests/sgx/fake.sh"
	expect "$@" --machines
}
: >"$tmp/machines-ok.tap"
cat >"$tmp/machines-ok.sh" <<'EOF2'
#!/bin/sh
echo '1..2'
echo 'ok 1 enclave.a'
case ${SGX2_SIM_KERNEL:-},${SGX2_SIM_SGX2:-} in
5.19,*) echo 'ok 2 enclave.augment # SKIP Kernel does not support adding pages' ;;
*,0) echo 'ok 2 # SKIP SGX2 not supported' ;;
*) echo 'ok 2 enclave.augment' ;;
esac
EOF2
machines machines-ok 0 "machines: 6 as expected, 0 not"
# Wrong: 6.1 crashes part-way, 6.14 skips, 5.19 gives the SGX1 reason, and
# the SGX1 CPU skips nothing.
: >"$tmp/machines-bad.tap"
cat >"$tmp/machines-bad.sh" <<'EOF2'
#!/bin/sh
echo '1..2'
echo 'ok 1 enclave.a'
case ${SGX2_SIM_KERNEL:-},${SGX2_SIM_SGX2:-} in
6.1,*) exit 139 ;;
6.14,*) echo 'ok 2 enclave.augment # SKIP SGX2 not supported' ;;
5.19,*) echo 'ok 2 # SKIP SGX2 not supported' ;;
*) echo 'ok 2 enclave.augment' ;;
esac
EOF2
machines machines-bad 1 "machines: 2 as expected, 4 not"

"$run" --help | grep -q '^Usage:' || { echo "FAIL --help"; fail=1; }
"$run" >/dev/null 2>&1
[ $? -eq 2 ] || { echo "FAIL: no arguments: want exit 2"; fail=1; }
"$run" "$tmp" >/dev/null 2>&1
[ $? -eq 2 ] || { echo "FAIL: not a kernel tree: want exit 2"; fail=1; }
"$run" --print-paths | grep -qx 'tools/testing/selftests/sgx' ||
	{ echo "FAIL --print-paths"; fail=1; }
exit $fail
