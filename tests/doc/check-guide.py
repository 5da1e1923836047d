#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks of the C code in doc/guide.md, one subcommand per meson test.

Every ```c block of the guide must be checked, so each one is preceded by
a marker line (an HTML comment, invisible when the Markdown is rendered):

  <!-- check: part NAME -->     a piece of program NAME; not built alone
  <!-- check: compile [NAME...] -->
                               the parts of each NAME, in the order they
                               appear in the guide, then this block: one
                               translation unit, compiled to an object
  <!-- check: run [NAME...] --> the same, linked with libsgx2 and
                               libsgx2-sim and run; it must exit 0

  code      builds and runs the blocks: -std=gnu11 -Wall -Wextra -Werror
            -Wshadow -Wstrict-prototypes (as the man page examples), the
            public headers only. A ```c block without a marker fails.
  format    every ```c block is formatted as the project's .clang-format
            says (kernel style), as tests/style/check-format.sh checks the
            sources (skips without clang-format).

Exit status: 0 pass, 1 fail, 77 skip (with the reason on stdout).
"""
import argparse
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile

SKIP = 77
WARNINGS = ['-std=gnu11', '-Wall', '-Wextra', '-Werror', '-Wshadow',
            '-Wstrict-prototypes']
MARKER = re.compile(r'<!--\s*check:\s*(part|compile|run)\b([^>]*?)\s*-->')


class Block:
    def __init__(self, line, kind, names, code):
        self.line = line    # 1-based line of the opening fence
        self.kind = kind    # part, compile, run, or None (no marker)
        self.names = names  # the program names it belongs to or uses
        self.code = code


def blocks(path):
    """The ```c blocks of the guide, with their markers."""
    with open(path, encoding='utf-8') as f:
        lines = f.read().split('\n')
    out, i, marker = [], 0, None
    while i < len(lines):
        line = lines[i]
        m = MARKER.fullmatch(line.strip())
        if m:
            marker = (m.group(1), m.group(2).split(), i + 1)
            i += 1
            continue
        fence = re.match(r'(`{3,}|~{3,})\s*(\S*)', line)
        if not fence:
            if line.strip():
                marker = None  # a marker belongs to the next block only
            i += 1
            continue
        start, lang = i, fence.group(2).lower()
        i += 1
        body = []
        while i < len(lines) and not lines[i].startswith(fence.group(1)):
            body.append(lines[i])
            i += 1
        i += 1
        if lang == 'c':
            kind, names = (marker[0], marker[1]) if marker else (None, [])
            out.append(Block(start + 1, kind, names, '\n'.join(body) + '\n'))
        marker = None
    return out


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, **kw)


# ---------------------------------------------------------------- code

def check_code(args):
    cc = args.cc
    if not cc or not shutil.which(cc[0]):
        print('SKIP: no C compiler given')
        return SKIP
    all_blocks = blocks(args.guide)
    parts = {}
    fail = 0
    for b in all_blocks:
        if b.kind is None:
            print(f'guide.md:{b.line}: a ```c block without a '
                  '<!-- check: ... --> marker')
            fail = 1
        elif b.kind == 'part':
            if len(b.names) != 1:
                print(f'guide.md:{b.line}: a part names one program')
                fail = 1
                continue
            parts.setdefault(b.names[0], []).append(b)
    used = set()
    flags = list(WARNINGS)
    if args.sanitize and args.sanitize != 'none':
        flags.append('-fsanitize=' + args.sanitize)
    libdirs = sorted({os.path.dirname(os.path.abspath(lib))
                      for lib in args.lib})
    env = dict(os.environ)
    env['LD_LIBRARY_PATH'] = ':'.join(
        libdirs + [p for p in env.get('LD_LIBRARY_PATH', '').split(':') if p])
    nrun = ncompiled = 0
    with tempfile.TemporaryDirectory() as tmp:
        for b in all_blocks:
            if b.kind not in ('compile', 'run'):
                continue
            pieces = []
            for name in b.names:
                if name not in parts:
                    print(f'guide.md:{b.line}: no part of program {name}')
                    fail = 1
                used.add(name)
                pieces += parts.get(name, [])
            pieces.sort(key=lambda p: p.line)
            src = os.path.join(tmp, f'guide-{b.line}.c')
            with open(src, 'w', encoding='utf-8') as f:
                for p in pieces + [b]:
                    f.write(f'#line {p.line + 1} "guide.md"\n{p.code}')
            what = 'compile' if b.kind == 'compile' else 'build'
            if b.kind == 'compile':
                cmd = cc + flags + ['-c', '-I', args.include, src,
                                    '-o', src + '.o']
            else:
                cmd = cc + flags + ['-I', args.include, src, '-o', src[:-2]]
                cmd += [a for d in libdirs for a in
                        ('-L' + d, '-Wl,-rpath,' + d)]
                cmd += ['-l' + re.sub(r'^lib|\.so.*$', '', os.path.basename(
                    lib)) for lib in args.lib]
            r = run(cmd)
            if r.returncode or r.stderr:
                print(f'guide.md:{b.line}: the {b.kind} block does not '
                      f'{what}:')
                print(r.stderr.rstrip())
                fail = 1
                continue
            ncompiled += 1
            if b.kind != 'run':
                continue
            try:
                r = run([src[:-2]], env=env, timeout=60)
            except subprocess.TimeoutExpired:
                print(f'guide.md:{b.line}: the program timed out')
                fail = 1
                continue
            nrun += 1
            out = (r.stdout + r.stderr).rstrip()
            print(f'guide.md:{b.line}: exit {r.returncode}' +
                  (':\n' + out if out else ''))
            if r.returncode:
                fail = 1
    for name in sorted(set(parts) - used):
        print(f'guide.md: the parts of {name} are never built')
        fail = 1
    if not nrun:
        print('guide.md: no program was run')
        fail = 1
    print(f'{len(all_blocks)} C blocks, {ncompiled} programs built, '
          f'{nrun} run' + ('' if fail else ': all clean'))
    return fail


# ---------------------------------------------------------------- format

def check_format(args):
    cf = shutil.which('clang-format')
    if not cf:
        print('SKIP: clang-format is not installed')
        return SKIP
    fail = 0
    all_blocks = blocks(args.guide)
    # The style file is found from the assumed name, as for the sources.
    name = os.path.join(args.source, 'doc', 'guide-block.c')
    for b in all_blocks:
        r = run([cf, '--style=file', '--assume-filename=' + name],
                input=b.code)
        if r.returncode or r.stdout != b.code:
            print(f'guide.md:{b.line}: not formatted as .clang-format '
                  'says:')
            print(r.stderr.rstrip() if r.returncode else ''.join(
                difflib.unified_diff(
                    b.code.splitlines(True), r.stdout.splitlines(True),
                    'guide.md', 'clang-format', n=1)).rstrip())
            fail = 1
    print(f'{len(all_blocks)} C blocks checked with clang-format' +
          ('' if fail else ': clean'))
    return fail


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('check', choices=['code', 'format'])
    ap.add_argument('--guide', required=True, help='doc/guide.md')
    ap.add_argument('--include', help='-I directory (code)')
    ap.add_argument('--lib', action='append', default=[],
                    help='a shared library to link with (code)')
    ap.add_argument('--sanitize', help='b_sanitize of the build (code)')
    ap.add_argument('--source', help='the source root (format)')
    argv = sys.argv[1:]
    cc = []
    if '--' in argv:  # after --: the C compiler command (code)
        cc = argv[argv.index('--') + 1:]
        argv = argv[:argv.index('--')]
    args = ap.parse_args(argv)
    args.cc = cc
    return {'code': check_code, 'format': check_format}[args.check](args)


if __name__ == '__main__':
    sys.exit(main())
