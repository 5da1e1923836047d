#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks of the man pages in doc/, one subcommand per meson test.

  groff     groff -man -ww -z writes nothing to stderr for any page (groff
            exits 0 on warnings, so stderr is what counts), and no rendered
            line is wider than 80 columns. Pages are checked from a scratch
            man tree (man1/, man3/, man7/), as man(1) would find them.
  mandoc    mandoc -Tlint finds nothing, at any level, style included, with
            nothing filtered out (optional: skips without mandoc).
  coverage  every function declared in a public header (include/*.h;
            names with a double underscore are private helpers) has
            doc/<name>.3, or is another name of a page (doc/aliases) whose
            NAME lists it, and so has every struct include/sgx2.h defines;
            every page has a well-formed .TH (the title in upper case), the
            sections its section needs (a section 1 page, a program: NAME,
            SYNOPSIS, DESCRIPTION, OPTIONS, EXIT STATUS and SEE ALSO), and
            cross-references that exist; the pages installed are exactly
            the pages in doc/, and the aliases are installed as links
            beside them.
            A section 3 page's SYNOPSIS names the header that declares its
            function and that header's library (<sgx2.h> and -lsgx2,
            <sgx2-sim.h> and -lsgx2-sim).
  examples  the C code of every EXAMPLE section compiles on its own against
            the public header with -Wall -Wextra -Werror (but section 1's,
            which are shell commands).

Exit status: 0 pass, 1 fail, 77 skip (with the reason on stdout).
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

SKIP = 77

SECTION3 = ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'RETURN VALUE', 'ERRORS',
            'NOTES', 'EXAMPLE', 'SEE ALSO']
SECTION3_STRUCT = ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'EXAMPLE', 'SEE ALSO']
SECTION7 = ['NAME', 'DESCRIPTION', 'SEE ALSO']
SECTION1 = ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'OPTIONS', 'EXIT STATUS',
            'SEE ALSO']


class Page:
    def __init__(self, path):
        self.path = path
        self.file = os.path.basename(path)
        self.name, ext = os.path.splitext(self.file)
        self.section = ext[1:]
        with open(path, encoding='utf-8') as f:
            self.text = f.read()
        self.lines = self.text.split('\n')
        m = re.fullmatch(r'\.so (man(\w+)/([^\s/]+))\s*', self.text)
        self.so = m.group(1) if m else None

    def sections(self):
        """{heading: [lines]} of the page's .SH sections."""
        out, cur = {}, None
        for line in self.lines:
            m = re.match(r'\.SH\s+(.*)', line)
            if m:
                cur = m.group(1).strip().strip('"')
                out[cur] = []
            elif cur is not None:
                out[cur].append(line)
        return out

    def preprocessors(self):
        """groff options for the `'\\" t` line man(1) honours."""
        m = re.match(r"'\\\" ([a-z]+)", self.lines[0])
        if not m:
            return []
        flags = {'t': '-t', 'e': '-e', 'p': '-p', 'r': '-R', 'g': '-g'}
        return [flags[c] for c in m.group(1)]


def load_pages(doc):
    pages = [Page(os.path.join(doc, f)) for f in sorted(os.listdir(doc))
             if re.fullmatch(r'[A-Za-z0-9_.-]+\.[1-9]', f)]
    return pages, {p.file: p for p in pages}


def load_aliases(doc):
    """{alias file: page file} from doc/aliases (NAME PAGE per line)."""
    out = {}
    path = os.path.join(doc, 'aliases')
    if os.path.exists(path):
        with open(path, encoding='utf-8') as f:
            for line in f:
                line = line.split('#')[0].split()
                if line:
                    out[line[0]] = line[1]
    return out


def man_tree(pages, root):
    """man3/x.3 -> doc/x.3 etc.: the layout `.so man3/x.3` is relative to."""
    for p in pages:
        d = os.path.join(root, 'man' + p.section)
        os.makedirs(d, exist_ok=True)
        os.symlink(os.path.abspath(p.path), os.path.join(d, p.file))


def target(page, by_file):
    return by_file.get(os.path.basename(page.so)) if page.so else page


def run(cmd, cwd=None):
    return subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True)


# ---------------------------------------------------------------- groff

def check_groff(args):
    groff = shutil.which('groff')
    if not groff:
        print('SKIP: groff is not installed '
              '(Debian: apt-get install groff-base)')
        return SKIP
    pages, by_file = load_pages(args.doc)
    fail = 0
    with tempfile.TemporaryDirectory() as root:
        man_tree(pages, root)
        for p in pages:
            t = target(p, by_file)
            if t is None:
                print(f'{p.file}: .so target {p.so} is not in doc/')
                fail = 1
                continue
            rel = f'man{p.section}/{p.file}'
            # -s: soelim first, so a stub gets its target's preprocessors.
            base = [groff, '-s', '-man', '-ww'] + t.preprocessors()
            for dev in ([], ['-Tutf8']):
                r = run(base + dev + ['-z', rel], cwd=root)
                if r.returncode or r.stderr:
                    print(f'{p.file}: groff {" ".join(dev + ["-z"])} '
                          f'(exit {r.returncode}):')
                    print(r.stderr.rstrip())
                    fail = 1
            r = run(base + ['-Tascii', '-rLL=80n', '-P-c', rel], cwd=root)
            if r.returncode or r.stderr:
                print(f'{p.file}: groff -Tascii (exit {r.returncode}):')
                print(r.stderr.rstrip())
                fail = 1
            text = re.sub(r'.\x08', '', r.stdout)  # overstrike
            for n, line in enumerate(text.split('\n'), 1):
                if len(line) > 80:
                    print(f'{p.file}: rendered line {n} is {len(line)} '
                          f'columns wide (max 80): {line.strip()[:60]}...')
                    fail = 1
    print(f'{len(pages)} pages checked with groff -man -ww -z' +
          ('' if fail else ': no warnings'))
    return fail


# ---------------------------------------------------------------- mandoc

def check_mandoc(args):
    mandoc = shutil.which('mandoc')
    if not mandoc:
        print('SKIP: mandoc is not installed '
              '(optional: apt-get install mandoc)')
        return SKIP
    pages, _ = load_pages(args.doc)
    fail = 0
    with tempfile.TemporaryDirectory() as root:
        man_tree(pages, root)
        for p in pages:
            rel = f'man{p.section}/{p.file}'
            r = run([mandoc, '-Tlint', rel], cwd=root)
            out = (r.stdout + r.stderr).strip()
            if out or r.returncode:
                print(f'{p.file}: mandoc -Tlint (exit {r.returncode}):')
                print(out)
                fail = 1
    print(f'{len(pages)} pages checked with mandoc -Tlint' +
          ('' if fail else ': clean'))
    return fail


# ---------------------------------------------------------------- coverage

C_WORDS = {'if', 'while', 'for', 'switch', 'return', 'sizeof', 'int', 'char',
           'void', 'long', 'short', 'unsigned', 'signed', 'const',
           'volatile', 'struct', 'union', 'enum', 'static', 'inline',
           'extern', '__attribute__', '__attribute', '__declspec',
           '_Alignas', '_Static_assert', 'typeof', '__typeof__', 'asm',
           '__asm__'}


def declared_functions(text):
    """Names of the functions a C header declares or defines."""
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
    text = re.sub(r'//[^\n]*', ' ', text)
    text = re.sub(r'^[ \t]*#(?:[^\n]*\\\n)*[^\n]*', ' ', text, flags=re.M)
    text = re.sub(r'extern\s+"C"\s*\{', ' ', text)
    flat, depth = [], 0
    for ch in text:  # bodies of structs, enums, inline functions go
        if ch == '{':
            depth += 1
        elif ch == '}':
            if depth:
                depth -= 1
                if not depth:
                    flat.append(';')
        elif not depth:
            flat.append(ch)
    names = set()
    for stmt in ''.join(flat).split(';'):
        stmt = ' '.join(stmt.split())
        if not stmt or re.match(r'typedef\b', stmt):
            continue
        for m in re.finditer(r'\b([A-Za-z_]\w*)\s*\(', stmt):
            if m.group(1) in C_WORDS:
                continue
            # `int (*fp)(void)` is a pointer, not a function.
            if not stmt[:m.start()].rstrip().endswith('(*'):
                names.add(m.group(1))
            break
    return names


def defined_structs(text):
    """Names of the structs a C header defines (not just declares)."""
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
    return set(re.findall(r'^struct\s+(\w+)\s*\{', text, flags=re.M))


def check_coverage(args):
    pages, by_file = load_pages(args.doc)
    fail = 0

    def bad(msg):
        nonlocal fail
        print(msg)
        fail = 1

    # The other names: links to a page that lists them in NAME.
    aliases = load_aliases(args.doc)
    for alias, page in sorted(aliases.items()):
        t = by_file.get(page)
        if alias in by_file:
            bad(f'doc/aliases: {alias} is a page of its own too')
        elif t is None:
            bad(f'doc/aliases: {alias}: no page doc/{page}')
        elif os.path.splitext(alias)[1] != os.path.splitext(page)[1]:
            bad(f'doc/aliases: {alias} and {page}: not one section')
        else:
            name = ' '.join(t.sections().get('NAME', []))
            if not re.search(r'\b%s\b' % re.escape(alias[:-2]),
                             name.replace('\\', '')):
                bad(f'doc/aliases: {page} does not name {alias[:-2]} in NAME')

    # Every function of every public header has a page.
    incdir = os.path.join(args.source, 'include')
    headers = sorted(h for h in os.listdir(incdir) if h.endswith('.h'))
    if 'sgx2.h' not in headers:
        bad(f'include/sgx2.h not found in {incdir}')
    nfuncs = 0
    struct_pages = set()
    header_of = {}  # page name -> the header that declares it
    for h in headers:
        with open(os.path.join(incdir, h), encoding='utf-8') as f:
            funcs = sorted(declared_functions(f.read()))
        if h == 'sgx2.h' and len(funcs) < 10:
            bad(f'include/{h}: only {len(funcs)} functions found: '
                'the declaration parser is broken')
        # A double underscore marks a header's private helpers (the
        # static inline functions of sgx2-sim-cpuid.h): not API, no page.
        funcs = [fn for fn in funcs if '__' not in fn]
        nfuncs += len(funcs)
        # libsgx2's structs have pages of their own; the simulator's are
        # described on the pages of the functions that take them.
        if h == 'sgx2.h':
            with open(os.path.join(incdir, h), encoding='utf-8') as f:
                structs = sorted(defined_structs(f.read()))
            for st in structs:
                struct_pages.add(st + '.3')
                if st + '.3' not in by_file and st + '.3' not in aliases:
                    bad(f'include/{h}: struct {st} has no page doc/{st}.3 '
                        '(nor a line in doc/aliases)')
        for fn in funcs:
            header_of[fn] = h
            if fn + '.3' not in by_file and fn + '.3' not in aliases:
                bad(f'include/{h}: {fn}() has no page doc/{fn}.3 '
                    '(nor a line in doc/aliases)')

    version = f'libsgx2 {args.version}'
    for p in pages:
        if p.so:
            bad(f'{p.file}: a .so stub: list the name in doc/aliases')
            continue
        th = [line for line in p.lines if line.startswith('.TH ')]
        title = p.name.upper()
        want = (f'.TH {title} {p.section} YYYY-MM-DD "{version}" '
                f'"libsgx2 Manual"')
        if len(th) != 1 or not re.fullmatch(
                r'\.TH %s %s \d{4}-\d\d-\d\d "%s" "libsgx2 Manual"'
                % (re.escape(title), p.section, re.escape(version)),
                th[0]):
            bad(f'{p.file}: want one line {want}, have {th}')
        secs = p.sections()
        need = {'1': SECTION1, '3': SECTION3}.get(p.section, SECTION7)
        if p.file in struct_pages:
            need = SECTION3_STRUCT
        missing = [s for s in need if s not in secs]
        if missing:
            bad(f'{p.file}: missing sections: {", ".join(missing)}')
        order = [s for s in secs if s in need]
        if order != [s for s in need if s in secs]:
            bad(f'{p.file}: sections out of order: {order}')
        if p.section == '3':
            # The header that declares the page's function, and its
            # library: <sgx2.h> -lsgx2, <sgx2-sim.h> -lsgx2-sim.
            h = header_of.get(p.name, 'sgx2.h')
            lib = '-l' + h[:-2]
            syn = '\n'.join(secs.get('SYNOPSIS', [])).replace('\\-', '-')
            if f'#include <{h}>' not in syn or not re.search(
                    re.escape(lib) + r'(?![\w-])', syn):
                bad(f'{p.file}: SYNOPSIS needs #include <{h}> and {lib}')
        # Cross-references to this project's pages resolve.
        # (sgx2-sim(7) is spelt sgx2\-sim in the source.)
        for m in re.finditer(r'^\.BR? (sgx2(?:\w|\\?-)*) \((\d)\)',
                             p.text, re.M):
            name = m.group(1).replace('\\', '')
            ref = f'{name}.{m.group(2)}'
            if ref not in by_file and ref not in aliases:
                bad(f'{p.file}: refers to {name}({m.group(2)}), '
                    f'but there is no doc/{ref}')

    # What meson installs is exactly doc/'s pages, in share/man/manN.
    if args.build:
        intro = os.path.join(args.build, 'meson-info', 'intro-installed.json')
        with open(intro, encoding='utf-8') as f:
            installed = json.load(f)
        mandir = os.path.join(args.prefix, args.mandir)
        dests = {}
        for src, dst in installed.items():
            if os.path.dirname(os.path.abspath(src)) == \
                    os.path.abspath(args.doc):
                dests[os.path.basename(src)] = dst
        for p in pages:
            want = os.path.join(mandir, 'man' + p.section, p.file)
            if p.file not in dests:
                bad(f'{p.file}: not installed: add it to doc/meson.build')
            elif os.path.normpath(dests[p.file]) != os.path.normpath(want):
                bad(f'{p.file}: installed as {dests[p.file]}, want {want}')
        for f in sorted(set(dests) - set(by_file)):
            bad(f'doc/meson.build installs {f}, which is not a page')
        links = {os.path.normpath(dst) for src, dst in installed.items()
                 if os.path.basename(src) in aliases}
        for alias in sorted(aliases):
            want = os.path.join(mandir, 'man' + alias.split('.')[-1], alias)
            if os.path.normpath(want) not in links:
                bad(f'doc/aliases: {alias} is not installed as {want}')

    print(f'{nfuncs} functions in {len(headers)} header(s), '
          f'{len(pages)} pages' + ('' if fail else ': all documented'))
    return fail


# ---------------------------------------------------------------- examples

ESCAPES = {'e': '\\', '-': '-', '&': '', '(aq': "'", '(dq': '"',
           '(ti': '~', '(ha': '^', '(rs': '\\', '(ga': '`', '\\': '\\'}


def unescape(line, where):
    def sub(m):
        key = m.group(1)
        if key not in ESCAPES:
            raise ValueError(f'{where}: escape \\{key} in an example')
        return ESCAPES[key]
    return re.sub(r'\\(\(..|.)', sub, line)


def examples(page):
    """The .EX/.EE blocks of the page's EXAMPLE section, as C."""
    blocks, cur = [], None
    body = page.sections().get('EXAMPLE', [])
    for n, line in enumerate(body):
        if line.startswith('.EX'):
            cur = []
        elif line.startswith('.EE'):
            blocks.append('\n'.join(cur) + '\n')
            cur = None
        elif cur is not None:
            if line.startswith('.') or line.startswith("'"):
                raise ValueError(f'{page.file}: request {line!r} inside .EX')
            cur.append(unescape(line, f'{page.file} EXAMPLE line {n}'))
    return blocks


def check_examples(args):
    cc = args.cc
    if not cc or not shutil.which(cc[0]):
        print('SKIP: no C compiler given')
        return SKIP
    pages, _ = load_pages(args.doc)
    fail = total = 0
    with tempfile.TemporaryDirectory() as tmp:
        for p in pages:
            # Section 1 pages (programs) give shell commands, not C.
            if p.so or p.section == '1':
                continue
            try:
                blocks = examples(p)
            except ValueError as e:
                print(e)
                fail = 1
                continue
            if p.section == '3' and not blocks:
                print(f'{p.file}: no .EX block in EXAMPLE')
                fail = 1
            for i, code in enumerate(blocks):
                total += 1
                src = os.path.join(tmp, f'{p.name}-{i}.c')
                with open(src, 'w', encoding='utf-8') as f:
                    f.write(code)
                r = run(cc + ['-std=gnu11', '-fsyntax-only', '-Wall',
                              '-Wextra', '-Werror', '-Wshadow',
                              '-Wstrict-prototypes', '-I', args.include,
                              src])
                if r.returncode or r.stderr:
                    print(f'{p.file}: example {i + 1} does not compile:')
                    print(r.stderr.rstrip())
                    fail = 1
    print(f'{total} examples compiled' + ('' if fail else ': all clean'))
    return fail


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('check', choices=['groff', 'mandoc', 'coverage',
                                      'examples'])
    ap.add_argument('--doc', required=True, help='the doc/ directory')
    ap.add_argument('--source', help='the source root (for include/)')
    ap.add_argument('--include', help='-I directory for the examples')
    ap.add_argument('--version', help='the project version, for .TH')
    ap.add_argument('--build', help='the build root (for the install plan)')
    ap.add_argument('--prefix', default='/usr/local')
    ap.add_argument('--mandir', default='share/man')
    argv = sys.argv[1:]
    cc = []
    if '--' in argv:  # after --: the C compiler command (examples)
        cc = argv[argv.index('--') + 1:]
        argv = argv[:argv.index('--')]
    args = ap.parse_args(argv)
    args.cc = cc
    return {'groff': check_groff, 'mandoc': check_mandoc,
            'coverage': check_coverage, 'examples': check_examples,
            }[args.check](args)


if __name__ == '__main__':
    sys.exit(main())
