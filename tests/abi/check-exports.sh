#!/bin/sh
# The shared library exports exactly the version script's globals, each of
# them declared in the public header, under the soname libsgx2.so.0.
set -eu
lib=$1 map=$2 header=$3 soname=$4

exported=$(nm -D --defined-only "$lib" | awk '$2 != "A" { sub(/@.*/, "", $3); print $3 }' | sort)
declared=$(sed -n '/global:/,/local:/p' "$map" | grep -o '^[[:space:]]*[a-z0-9_]*;' | tr -d ' \t;' | sort)
fail=0
if [ "$exported" != "$declared" ]; then
  echo "exported symbols differ from $map:"
  printf '%s\n' "$exported" >exported.txt
  printf '%s\n' "$declared" >declared.txt
  diff -u declared.txt exported.txt || true
  fail=1
fi
for sym in $declared; do
  grep -q "^[a-z].*[ *]$sym(" "$header" || { echo "$sym is exported but not declared in $header"; fail=1; }
done
for sym in $(grep -o '^[a-z][a-z0-9_ *]*[ *]sgx2[a-z0-9_]*(' "$header" | grep -o 'sgx2[a-z0-9_]*'); do
  printf '%s\n' "$declared" | grep -qx "$sym" || { echo "$sym is declared in $header but not in $map"; fail=1; }
done
got=$(objdump -p "$lib" | awk '$1 == "SONAME" { print $2 }')
[ "$got" = "$soname" ] || { echo "soname is '$got', want '$soname'"; fail=1; }
first=$(grep -o '^LIB[A-Z0-9_.]*' "$map" | head -n 1)
nm -D "$lib" | grep -q " A $first\$" || { echo "version node $first missing"; fail=1; }
exit $fail
