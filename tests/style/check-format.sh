#!/bin/sh
# The C sources obey the project's .clang-format (kernel style).
top=$1
command -v clang-format >/dev/null || { echo "SKIP: clang-format is not installed"; exit 77; }
cd "$top" || exit 1
files=$(find include lib sim tests examples bench common tools -name '*.[ch]' 2>/dev/null | sort)
clang-format --dry-run --Werror $files
