#!/bin/sh
# The build options, each in a scratch build of this source tree:
#   - a non-x86-64 host is refused saying that SGX is x86-64 only;
#   - a missing cmocka stops -Dtests=enabled (the default) with what to
#     install and the option that builds without it; -Dtests=disabled then
#     builds neither tests nor benchmarks, and the summary says so;
#   - -Ddefault_library=shared installs no static library; static with the
#     tests is refused with what to do;
#   - without valgrind, --setup valgrind exists and says what to install;
#   - a cross build (x86-64 to x86-64, with no exe_wrapper) builds the
#     library and the examples, whose key and signer run on the build
#     machine.
#
#   check-options.sh SOURCE_ROOT
set -u
src=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
n=0

# setup WANT_STATUS TEXT ARGS...: meson setup exits WANT_STATUS (0 or 1)
# and prints TEXT (or "").
setup() {
  want=$1 text=$2
  shift 2
  n=$((n + 1))
  dir=$work/b$n
  meson setup "$dir" "$src" "$@" >"$work/log" 2>&1
  got=$?
  [ "$got" -eq 0 ] || got=1
  if [ "$got" -ne "$want" ]; then
    echo "FAIL: meson setup $* exited $got, not $want:"; tail -20 "$work/log"
    fail=1
  elif [ -n "$text" ] && ! grep -qF -- "$text" "$work/log"; then
    echo "FAIL: meson setup $* did not print: $text"; tail -20 "$work/log"
    fail=1
  else
    echo "ok: meson setup $* -> $got${text:+: $text}"
  fi
}

# A host that is not x86-64 (the compiler is the build machine's: only
# the project's own check is reached).
cat >"$work/aarch64.ini" <<'INI'
[binaries]
c = 'cc'
[host_machine]
system = 'linux'
cpu_family = 'aarch64'
cpu = 'aarch64'
endian = 'little'
INI
setup 1 'SGX exists only on x86-64: libsgx2 builds for x86_64 hosts, and this one is aarch64' \
  --cross-file "$work/aarch64.ini"

# No cmocka: pkg-config and cmake find nothing (libcrypto may still be
# found by the compiler alone).
cat >"$work/nodeps.ini" <<'INI'
[binaries]
pkgconfig = 'false'
cmake = 'false'
INI
setup 1 'The test suite needs cmocka (Debian: apt-get install libcmocka-dev), or configure without it: -Dtests=disabled' \
  --native-file "$work/nodeps.ini" -Dexamples=auto
setup 0 'tests and benchmarks                   : NO' \
  --native-file "$work/nodeps.ini" -Dexamples=auto -Dtests=disabled
if meson introspect --targets "$dir" | grep -qE '"name": "(sgx2-bench|test-flows)"'; then
  echo "FAIL: -Dtests=disabled still builds tests or benchmarks"; fail=1
fi
# The old boolean spelling still works.
setup 0 'tests and benchmarks                   : NO' \
  -Dtests=false -Dexamples=false

# Shared only: no static library is installed; static with the tests is
# refused.
setup 0 'libsgx2                                : shared' \
  -Ddefault_library=shared -Dtests=disabled -Dexamples=disabled
installed=$(meson introspect --installed "$dir")
case $installed in
*libsgx2.a*) echo "FAIL: -Ddefault_library=shared installs libsgx2.a"; fail=1 ;;
esac
case $installed in
*libsgx2.so.0*) ;;
*) echo "FAIL: -Ddefault_library=shared installs no libsgx2.so"; fail=1 ;;
esac
setup 1 '-Ddefault_library=static builds no libsgx2.so, which the test suite checks' \
  -Ddefault_library=static

# Without valgrind, meson test --setup valgrind is still a setup: its
# tests fail, saying what to install.
cat >"$work/novalgrind.ini" <<'INI'
[binaries]
valgrind = 'sgx2-no-such-valgrind'
INI
setup 0 '--setup valgrind                       : no: apt-get install valgrind' \
  --native-file "$work/novalgrind.ini" -Dexamples=disabled -Ddocs=false
meson compile -C "$dir" tests/test-validate >"$work/log" 2>&1 &&
  meson test -C "$dir" --no-rebuild --setup valgrind --print-errorlogs \
    validate >"$work/log" 2>&1
got=$?
if [ "$got" -ne 0 ] && grep -qF 'valgrind is not installed, so --setup valgrind cannot run' "$work/log"; then
  echo "ok: --setup valgrind without valgrind fails, saying what to install"
else
  echo "FAIL: --setup valgrind without valgrind (exit $got):"; tail -20 "$work/log"
  fail=1
fi

# A cross build that cannot run what it builds for the host: its programs
# name a dynamic loader the build machine does not have.
cat >"$work/cross.ini" <<'INI'
[binaries]
c = 'cc'
pkgconfig = 'pkg-config'
[built-in options]
c_link_args = ['-Wl,--dynamic-linker=/nonexistent/ld-linux-x86-64.so.2']
[properties]
needs_exe_wrapper = true
[host_machine]
system = 'linux'
cpu_family = 'x86_64'
cpu = 'x86_64'
endian = 'little'
INI
setup 0 '' --cross-file "$work/cross.ini" -Dtests=disabled -Ddocs=false
if [ "$fail" -eq 0 ]; then
  if meson compile -C "$dir" >"$work/log" 2>&1; then
    echo "ok: the cross build compiles, the enclave signed on the build machine"
  else
    echo "FAIL: the cross build does not compile:"; tail -20 "$work/log"
    fail=1
  fi
fi
exit $fail
