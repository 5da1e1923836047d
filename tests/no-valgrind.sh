#!/bin/sh
# meson test --setup valgrind on a machine without valgrind: fail, and say
# what to install (the setup exists so that the command is never unknown).
echo "valgrind is not installed, so --setup valgrind cannot run $1" \
  "(Debian: apt-get install valgrind)" >&2
exit 1
