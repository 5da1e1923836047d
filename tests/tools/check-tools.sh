#!/bin/sh
# The tools' command lines: sgx2-probe's --help, usage errors and exit
# statuses (sgx2-probe(1)), on the simulator and without it; the example
# signer's --help, which must not write a key to a file named --help.
#
#   check-tools.sh PROBE SIM_LIB [KEYGEN SIGN]
set -u
abs() { case $1 in /* | '') echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
probe=$(abs "$1") sim=$(abs "$2") keygen=$(abs "${3:-}") sign=$(abs "${4:-}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0

# expect STATUS TEXT CMD...: CMD exits STATUS and prints TEXT (or "").
expect() {
  want=$1 text=$2
  shift 2
  "$@" >"$work/out" 2>&1
  got=$?
  if [ "$got" -ne "$want" ]; then
    echo "FAIL: $* exited $got, not $want:"; cat "$work/out"; fail=1
  elif [ -n "$text" ] && ! grep -qF -- "$text" "$work/out"; then
    echo "FAIL: $* did not print: $text"; cat "$work/out"; fail=1
  else
    echo "ok: $* -> $got"
  fi
}

expect 0 'Usage: ' "$probe" --help
expect 0 'Exit status: 0 available' "$probe" -h
expect 0 'sgx2-probe (libsgx2) ' "$probe" --version
expect 2 'unrecognized option' "$probe" --bogus
expect 2 'unexpected argument' "$probe" extra

# On the simulator, preloaded: available with its device, and said so.
expect 0 'available (on the simulator)' \
  env LD_PRELOAD="$sim" SGX2_SIM_DEVICE=1 "$probe"
expect 0 'simulated CPU reports SGX2:     yes' \
  env LD_PRELOAD="$sim" SGX2_SIM_DEVICE=1 "$probe"
expect 0 '' env LD_PRELOAD="$sim" SGX2_SIM_DEVICE=1 "$probe" -q
[ -z "$(cat "$work/out")" ] || { echo "FAIL: -q printed"; fail=1; }
# A CPU without SGX2: the driver answers ENODEV.
expect 5 'the CPU has no SGX2' \
  env LD_PRELOAD="$sim" SGX2_SIM_DEVICE=1 SGX2_SIM_SGX2=0 "$probe"
# A kernel before 6.0: no EDMM ioctls.
expect 4 'predates the EDMM ioctls' \
  env LD_PRELOAD="$sim" SGX2_SIM_DEVICE=1 SGX2_SIM_KERNEL=5.19 "$probe"

# Without the simulator: whatever this machine is, one of the statuses.
if [ ! -e /dev/sgx_enclave ]; then
  expect 1 'not available: no /dev/sgx_enclave' "$probe"
  expect 1 'not available: no /dev/sgx_enclave' \
    env LD_PRELOAD="$sim" "$probe"
fi

if [ -n "$keygen" ]; then
  (cd "$work" && "$keygen" --help >help.out 2>&1) ||
    { echo "FAIL: sgx2-keygen --help exited $?"; fail=1; }
  grep -q '^usage: ' "$work/help.out" ||
    { echo "FAIL: sgx2-keygen --help printed no usage"; fail=1; }
  [ ! -e "$work/--help" ] ||
    { echo "FAIL: sgx2-keygen --help wrote a file named --help"; fail=1; }
  expect 2 'usage: ' sh -c "cd '$work' && '$keygen' --out"
  [ ! -e "$work/--out" ] ||
    { echo "FAIL: sgx2-keygen --out wrote a file"; fail=1; }
  expect 0 'usage: ' "$sign" --help
fi
exit $fail
