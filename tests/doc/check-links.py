#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The project's documents stand alone.

Every relative link of the Markdown documents resolves to a file of the
source tree; nothing refers to files outside it (../shared/..., the team's
working notes); and every section sign, "spec §N" in the documents, man
pages and comments, names a section of doc/kernel-behaviour.md (the
SDM's own section numbers, "SDM §39.5", are left alone).

  check-links.py SOURCE_ROOT

Exit status: 0 pass, 1 fail.
"""
import os
import re
import subprocess
import sys


def tracked(root):
    """The files of the tree: git's list when there is one, else a walk
    (a release tarball has no .git)."""
    try:
        out = subprocess.run(['git', '-C', root, 'ls-files'], check=True,
                             stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL,
                             universal_newlines=True).stdout.split()
        if out:
            return out
    except (OSError, subprocess.CalledProcessError):
        pass
    files = []
    for d, dirs, names in os.walk(root):
        dirs[:] = [x for x in dirs if not x.startswith(('.git', 'build'))]
        files += [os.path.relpath(os.path.join(d, n), root) for n in names]
    return files


def main():
    root = sys.argv[1]
    files = [f for f in tracked(root) if os.path.isfile(os.path.join(root, f))]
    with open(os.path.join(root, 'doc', 'kernel-behaviour.md'),
              encoding='utf-8') as f:
        sections = set(re.findall(r'^## (\d+)\.', f.read(), flags=re.M))
    fail = 0
    text_ext = ('.md', '.c', '.h', '.S', '.py', '.sh', '.build', '.txt',
                '.1', '.3', '.7', '.ini', '.map')
    for rel in sorted(files):
        if not rel.endswith(text_ext) and os.path.basename(rel) not in (
                'NEWS', 'CONTRIBUTING', 'run', 'README'):
            continue
        if rel.startswith('tests/doc/check-links'):
            continue
        path = os.path.join(root, rel)
        try:
            with open(path, encoding='utf-8') as f:
                text = f.read()
        except UnicodeDecodeError:
            continue
        for n, line in enumerate(text.split('\n'), 1):
            if re.search(r'\.\./shared\b|\bshared/(spec|style|design)', line):
                print(f'{rel}:{n}: refers outside the tree: {line.strip()}')
                fail = 1
            # The SDM's sections (SDM §39.5, S9 §39.5.9) are not ours.
            for m in re.finditer(r'(?<!SDM )(?<!S\d )(?<!S\d\d )§(\d+)'
                                 r'(?![.\d])', line):
                if m.group(1) not in sections:
                    print(f'{rel}:{n}: §{m.group(1)} is no section of '
                          'doc/kernel-behaviour.md')
                    fail = 1
            if rel.endswith('.md'):
                for m in re.finditer(r'\]\(([^)\s]+)\)', line):
                    target = m.group(1).split('#')[0]
                    if not target or re.match(r'[a-z]+:', target):
                        continue
                    dest = os.path.normpath(
                        os.path.join(os.path.dirname(rel), target))
                    if dest.startswith('..') or not os.path.exists(
                            os.path.join(root, dest)):
                        print(f'{rel}:{n}: link to {target}: no such file '
                              'in the tree')
                        fail = 1
    print(f'{len(files)} files checked' + ('' if fail else
                                           ': the documents stand alone'))
    return fail


if __name__ == '__main__':
    sys.exit(main())
