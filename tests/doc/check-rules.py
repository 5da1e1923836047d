#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Rules the documentation states in more than one place must agree.

The header (include/sgx2.h), the man pages (doc/*.3, doc/*.7) and the
guide (doc/guide.md) each say some rules again where a reader needs them.
A rule that is stated one way here and another way there is a bug: a
reader follows the place they read. Each rule below finds the passages
(paragraphs, comment blocks, man page entries) that state it, and checks
that every one of them says all of it.

  callbacks-free  Callbacks may call libsgx2 on their flow's handle, but
                  not sgx2_enclave_free() of it, since the flow is a call
                  in progress on it: every passage that lets a callback
                  call libsgx2 names that exception, and every passage
                  that says no call may be in progress when the handle is
                  freed says that a running callback's flow is one.
  restrict-perms  sgx2_restrict_and_accept() with permissions a page lacks
                  fails at the accept (-EIO): EMODPR cannot add them, so
                  -EACCES from mprotect() is only for permissions the EPCM
                  has (added with EMODPE) beyond the maximum protection.
                  Every passage promising -EACCES for permissions beyond
                  what the kernel allows says so, and the header's Return
                  names the -EIO.

Exit status: 0 pass, 1 fail.
"""
import argparse
import os
import re
import sys


def man_passages(path):
    """Plain-text passages of a man page: split at .PP/.TP/.IP/.SS/.SH."""
    passages, cur = [], []
    for line in open(path, encoding='utf-8'):
        line = line.rstrip('\n')
        if line.startswith('.\\"'):
            continue
        if re.match(r'\.(PP|TP|IP|SS|SH|LP|P)\b', line):
            if cur:
                passages.append(' '.join(cur))
            cur = []
            continue
        line = re.sub(r'^\.[A-Z]{1,2}\s*', '', line)
        line = re.sub(r'\\f[BIRP]|\\-|\\&|\\c|"', lambda m: '-' if m.group(0)
                      == '\\-' else '', line)
        cur.append(line)
    if cur:
        passages.append(' '.join(cur))
    return passages


def header_passages(path):
    """Comment blocks of a header, each one passage, stars stripped."""
    text = open(path, encoding='utf-8').read()
    out = []
    for block in re.findall(r'/\*(.*?)\*/', text, re.S):
        lines = [re.sub(r'^\s*\*?\s?', '', x) for x in block.split('\n')]
        out.append(' '.join(lines))
    return out


def guide_passages(path):
    text = open(path, encoding='utf-8').read()
    return [' '.join(p.split()) for p in re.split(r'\n\s*\n', text)]


def norm(s):
    return ' '.join(s.split())


def passages(source):
    found = []
    header = os.path.join(source, 'include', 'sgx2.h')
    found += [('include/sgx2.h', p) for p in header_passages(header)]
    doc = os.path.join(source, 'doc')
    for name in sorted(os.listdir(doc)):
        path = os.path.join(doc, name)
        if re.search(r'\.[37]$', name) and not name.startswith('sgx2_sim'):
            if open(path, encoding='utf-8').read().startswith('.so '):
                continue
            found += [('doc/' + name, p) for p in man_passages(path)]
    found += [('doc/guide.md', p)
              for p in guide_passages(os.path.join(doc, 'guide.md'))]
    return [(where, norm(p)) for where, p in found]


def check_callbacks_free(found):
    errors, seen_call, seen_free = [], 0, 0
    for where, p in found:
        if re.search(r'may call libsgx2', p):
            seen_call += 1
            if 'sgx2_enclave_free' not in p:
                errors.append(f'{where}: lets a callback call libsgx2 '
                              f'without naming the sgx2_enclave_free() '
                              f'exception: "{p[:160]}..."')
        if (re.search(r'[Nn]o call on (it|the handle) may be in progress', p)
                or re.search(r'sgx2_enclave_free.{0,40}must not overlap',
                             p)):
            seen_free += 1
            if 'callback' not in p:
                errors.append(f'{where}: says no call may be in progress '
                              f'when the handle is freed, without saying '
                              f'that a running callback\'s flow is one: '
                              f'"{p[:160]}..."')
    if seen_call < 5 or seen_free < 3:
        errors.append(f'callbacks-free: found {seen_call} passages letting '
                      f'callbacks call libsgx2 and {seen_free} on freeing; '
                      f'the patterns no longer match the documentation')
    return errors


def check_restrict_perms(found):
    errors, seen = [], 0
    for where, p in found:
        if where == 'include/sgx2.h' and 'sgx2_restrict_and_accept()' in p \
                and 'Return:' in p:
            seen += 1
            ret = p[p.index('Return:'):]
            if '-EIO' not in ret or 'lacks' not in ret:
                errors.append(f'{where}: sgx2_restrict_and_accept()\'s '
                              f'Return does not name -EIO for permissions '
                              f'a page lacks: "{ret}"')
        restrict = ('restrict_and_accept' in where or
                    'sgx2_restrict_and_accept()' in p)
        if restrict and '-EACCES' in p and re.search(
                r'beyond what the kernel allows|maximum protection', p):
            seen += 1
            if 'EMODPE' not in p:
                errors.append(f'{where}: promises -EACCES for permissions '
                              f'beyond the maximum protection without '
                              f'saying only EMODPE gives a page such '
                              f'permissions (EMODPR cannot): "{p[:200]}..."')
    if seen < 2:
        errors.append('restrict-perms: the patterns no longer match the '
                      'documentation')
    return errors


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--source', required=True)
    args = ap.parse_args()
    found = passages(args.source)
    errors = check_callbacks_free(found) + check_restrict_perms(found)
    for e in errors:
        print(e)
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
