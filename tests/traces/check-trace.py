#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks of sgx2-trace recordings, one subcommand per kind of meson test.

  record    run COMMAND under sgx2-trace, require its exit status 0, then
            check the trace as `check` does:
              check-trace.py record --sgx2-trace PATH --out FILE [--text]
                  [--need OP,...] [--events EV,...] -- COMMAND [ARGS...]
  check     check a trace file: every line is a JSON object (or, with
            --text, a text line); each process starts with a "start" line;
            every ioctl is one of <asm/sgx.h>'s, decoded (its "in" struct,
            and "out" for those the kernel writes back), on an enclave;
            every op of --need and every event of --events occurs.
  replay    replay every trace (*.jsonl) under --dir, or the --out one,
            with sgx2-replay: each must replay without a divergence,
            unless a comment line of it says
              # expect-divergence: LINE
            when sgx2-replay must exit 1 and name exactly that line.

record and check take --replay PATH: then replay the trace too; and with
--alter OP:ERRNO, a copy in which the first OP over pages that failed
with ERRNO succeeds instead (ret 0, the whole length done), which the replay must
catch at that line.
Comment lines (starting with '#') are allowed in a trace, as sgx2-replay
allows them.

Exit status: 0 pass, 1 fail, 77 skip (with the reason on stdout).
"""
import argparse
import json
import os
import re
import subprocess
import sys

OPS = {'CREATE', 'ADD_PAGES', 'INIT', 'PROVISION', 'VEPC_REMOVE_ALL',
       'RESTRICT_PERMISSIONS', 'MODIFY_TYPES', 'REMOVE_PAGES'}
WRITE_BACK = {'ADD_PAGES', 'RESTRICT_PERMISSIONS', 'MODIFY_TYPES',
              'REMOVE_PAGES'}
FIELDS = {
    'CREATE': {'src', 'secs'},
    'ADD_PAGES': {'src', 'offset', 'length', 'secinfo', 'secinfo_flags',
                  'flags', 'count'},
    'INIT': {'sigstruct', 'sig'},
    'RESTRICT_PERMISSIONS': {'offset', 'length', 'permissions', 'result',
                             'count'},
    'MODIFY_TYPES': {'offset', 'length', 'page_type', 'result', 'count'},
    'REMOVE_PAGES': {'offset', 'length', 'count'},
}
TEXT_LINE = re.compile(r'\d+(/\d+)? \d+\.\d{6} [\w.<> ]+\(.*')


def check_json(path, need, events):
    fail = []
    seen_ops, seen_ev, started = set(), set(), set()
    with open(path, encoding='utf-8') as f:
        lines = f.read().split('\n')
    if lines and lines[-1] == '':
        lines.pop()
    if not lines:
        return ['the trace is empty']
    for n, line in enumerate(lines, 1):
        if line.startswith('#') or not line.strip():
            continue
        try:
            ev = json.loads(line)
        except ValueError as e:
            fail.append(f'line {n}: not JSON ({e})')
            continue
        kind = ev.get('ev')
        seen_ev.add(kind)
        pid = ev.get('pid')
        if kind == 'start':
            started.add(pid)
        elif pid not in started:
            fail.append(f'line {n}: process {pid} has no start line')
            started.add(pid)
        if kind != 'ioctl':
            continue
        op = ev.get('op')
        seen_ops.add(op)
        if op not in OPS:
            fail.append(f'line {n}: ioctl not decoded: {op}')
            continue
        if not ev.get('encl'):
            fail.append(f'line {n}: {op} on no enclave')
        if op in FIELDS:
            have = set(ev.get('in', {}))
            if not FIELDS[op] <= have:
                fail.append(f'line {n}: {op} lacks in.'
                            f'{sorted(FIELDS[op] - have)}')
        if op in WRITE_BACK and 'out' not in ev:
            fail.append(f'line {n}: {op} has no "out"')
        if 'ret' not in ev or (ev['ret'] < 0) != ('errno' in ev):
            fail.append(f'line {n}: {op}: ret and errno disagree')
    for op in need:
        if op not in seen_ops:
            fail.append(f'no {op} in the trace')
    for kind in events:
        if kind not in seen_ev:
            fail.append(f'no "{kind}" event in the trace')
    print(f'{path}: {len(lines)} lines, {len(started)} process(es), '
          f'ioctls: {", ".join(sorted(o for o in seen_ops if o))}')
    return fail


def check_text(path, need):
    fail = []
    with open(path, encoding='utf-8') as f:
        text = f.read()
    lines = text.split('\n')[:-1]
    if not lines:
        return ['the trace is empty']
    for n, line in enumerate(lines, 1):
        if not TEXT_LINE.fullmatch(line):
            fail.append(f'line {n}: not a trace line: {line[:80]}')
    for op in need:
        if f'SGX_IOC_ENCLAVE_{op},' not in text:
            fail.append(f'no SGX_IOC_ENCLAVE_{op} in the trace')
    print(f'{path}: {len(lines)} lines')
    return fail


EXPECT = re.compile(r'#\s*expect-divergence:\s*(\d+)\s*')


def replay(sgx2_replay, path):
    """Replay @path, as its expect-divergence comment says; failures."""
    want = None
    with open(path, encoding='utf-8') as f:
        for line in f:
            m = EXPECT.fullmatch(line.strip())
            if m:
                want = int(m.group(1))
    r = subprocess.run([sgx2_replay, path], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    sys.stdout.write(r.stdout)
    if want is None:
        if r.returncode:
            return [f'{path}: sgx2-replay exit status {r.returncode}, '
                    'want 0 (no divergence)']
        return []
    lines = [l for l in r.stdout.split('\n') if ': divergence: ' in l]
    if r.returncode != 1:
        return [f'{path}: sgx2-replay exit status {r.returncode}, want 1 '
                f'(a divergence at line {want})']
    if len(lines) != 1 or not lines[0].startswith(f'{path}:{want}: '):
        return [f'{path}: the divergence is not reported at line {want}: '
                f'{lines}']
    print(f'{path}: the divergence is caught at line {want}, as expected')
    return []


def alter(path, spec):
    """A copy of @path whose first @spec (OP:ERRNO) ioctl succeeds."""
    op, err = spec.split(':')
    with open(path, encoding='utf-8') as f:
        lines = f.read().split('\n')[:-1]
    for i, line in enumerate(lines):
        if line.startswith('#') or not line.strip():
            continue
        ev = json.loads(line)
        if ev.get('ev') != 'ioctl' or ev.get('op') != op or \
                ev.get('errno') != err or not ev['in'].get('length'):
            continue
        ev['ret'] = 0
        del ev['errno']
        ev['out']['count'] = ev['in']['length']
        lines[i] = json.dumps(ev, separators=(',', ':'))
        head = [f'# {path}, altered: line {i + 1} ({op}, {err} when '
                'recorded) made to succeed',
                f'# expect-divergence: {i + 3}']
        out = path + '.altered.jsonl'
        with open(out, 'w', encoding='utf-8') as f:
            f.write('\n'.join(head + lines) + '\n')
        return out
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('what', choices=['record', 'check', 'replay'])
    ap.add_argument('--sgx2-trace')
    ap.add_argument('--replay')
    ap.add_argument('--dir')
    ap.add_argument('--alter')
    ap.add_argument('--out')
    ap.add_argument('--text', action='store_true')
    ap.add_argument('--need', default='')
    ap.add_argument('--events', default='')
    argv = sys.argv[1:]
    command = []
    if '--' in argv:
        command = argv[argv.index('--') + 1:]
        argv = argv[:argv.index('--')]
    args = ap.parse_args(argv)
    args.command = command
    need = [o for o in args.need.split(',') if o]
    events = [e for e in args.events.split(',') if e]

    if args.what == 'replay':
        paths = ([args.out] if args.out else sorted(
            os.path.join(d, f) for d, _, fs in os.walk(args.dir)
            for f in fs if f.endswith('.jsonl')))
        if not paths:
            print(f'no traces under {args.dir}')
            return 1
        fail = []
        for p in paths:
            fail += replay(args.replay, p)
        for msg in fail:
            print(msg)
        print(f'{len(paths)} trace(s) replayed'
              + (f', {len(fail)} failed' if fail else ''))
        return 1 if fail else 0
    if args.what == 'record':
        cmd = [args.sgx2_trace, '-o', args.out]
        if not args.text:
            cmd.append('--json')
        cmd += ['--'] + args.command
        r = subprocess.run(cmd, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
        sys.stdout.write(r.stdout)
        if r.returncode == 77:
            print('SKIP: the command skipped')
            return 77
        if r.returncode:
            print(f'{" ".join(cmd)}: exit status {r.returncode}')
            return 1
    fail = (check_text(args.out, need) if args.text
            else check_json(args.out, need, events))
    for msg in fail[:40]:
        print(msg)
    if len(fail) > 40:
        print(f'... and {len(fail) - 40} more')
    if not fail and args.replay and not args.text:
        fail = replay(args.replay, args.out)
        if not fail and args.alter:
            altered = alter(args.out, args.alter)
            fail = (replay(args.replay, altered) if altered
                    else [f'no {args.alter} in {args.out} to alter'])
        for msg in fail:
            print(msg)
    return 1 if fail else 0


if __name__ == '__main__':
    sys.exit(main())
