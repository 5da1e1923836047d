#!/bin/sh
# libsgx2-sim exports exactly the version script's sgx2_sim_* globals (in
# node LIBSGX2_SIM_0.1, each declared in sgx2-sim.h) plus the interposed
# libc symbols, unversioned; under the soname libsgx2-sim.so.0.
set -eu
lib=$1 map=$2 header=$3 soname=$4
interposed='__fxstatat __fxstatat64 __lxstat __lxstat64 __open64_2 __open_2 __openat64_2 __openat_2 __xstat __xstat64 close fstatat fstatat64 getauxval ioctl lstat lstat64 mmap mmap64 mprotect munmap open open64 openat openat64 read sigaction signal stat stat64 statx'

fail=0
versioned=$(nm -D --defined-only "$lib" | awk '$2 != "A" && $3 ~ /@/ { sub(/@.*/, "", $3); print $3 }' | sort)
unversioned=$(nm -D --defined-only "$lib" | awk '$2 != "A" && $3 !~ /@/ { print $3 }' | sort)
declared=$(sed -n '/global:/,/};/p' "$map" | grep -o '^[[:space:]]*[a-z0-9_]*;' | tr -d ' \t;' | sort)
want_unversioned=$(printf '%s\n' $interposed | sort)

if [ "$versioned" != "$declared" ]; then
  echo "versioned exports differ from $map:"
  printf '%s\n' "$declared" >declared.txt
  printf '%s\n' "$versioned" >exported.txt
  diff -u declared.txt exported.txt || true
  fail=1
fi
if [ "$unversioned" != "$want_unversioned" ]; then
  echo "unversioned exports are not exactly the interposed libc symbols:"
  printf '%s\n' "$unversioned"
  fail=1
fi
for sym in $declared; do
  grep -q "^[a-z].*[ *]$sym(" "$header" || { echo "$sym is exported but not declared in $header"; fail=1; }
done
for sym in $(grep -o '^[a-z][a-z0-9_ *]*[ *]sgx2_sim_[a-z0-9_]*(' "$header" | grep -o 'sgx2_sim_[a-z0-9_]*'); do
  printf '%s\n' "$declared" | grep -qx "$sym" || { echo "$sym is declared in $header but not in $map"; fail=1; }
done
got=$(objdump -p "$lib" | awk '$1 == "SONAME" { print $2 }')
[ "$got" = "$soname" ] || { echo "soname is '$got', want '$soname'"; fail=1; }
first=$(grep -o '^LIB[A-Z0-9_.]*' "$map" | head -n 1)
[ "$first" = LIBSGX2_SIM_0.1 ] || { echo "first node is '$first'"; fail=1; }
nm -D "$lib" | grep -q " A $first\$" || { echo "version node $first missing"; fail=1; }
exit $fail
