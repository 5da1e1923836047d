#!/bin/sh
# SPDX-License-Identifier: MIT
# The demo on a simulator set up as a machine without EDMM (a kernel
# before 6.0, or a CPU without SGX2) has nothing to show: it says why and
# exits 77, instead of failing part-way through its first flow.
#
#   check-demo-no-edmm.sh SGX2_DEMO
set -u
demo=$1
fail=0
for setting in SGX2_SIM_KERNEL=5.19 SGX2_SIM_SGX2=0; do
	out=$(env SGX2_SIM_DEVICE=1 "$setting" "$demo" 2>&1)
	rc=$?
	case $setting in
	*KERNEL*) why='the kernel lacks the EDMM ioctls' ;;
	*) why='the CPU lacks SGX2' ;;
	esac
	if [ "$rc" -ne 77 ] ||
		! printf '%s\n' "$out" | grep -q "^SKIP: the simulator is set up as a machine without EDMM ($why"; then
		echo "FAIL $setting: exit $rc (want 77 and a SKIP line naming: $why)"
		printf '%s\n' "$out" | sed 's/^/    /'
		fail=1
	else
		echo "ok $setting: exit 77, $(printf '%s\n' "$out" | tail -n 1)"
	fi
done
exit $fail
