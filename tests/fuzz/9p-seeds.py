#!/usr/bin/env python3
# Writes the hand-made seed inputs of fuzz-9p into tests/fuzz/9p-corpus/ (see
# fuzz-9p.c for the format): a valid message of every type the server
# answers, and short sessions. Fid 0 is the share, attached by the harness.
import os, struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '9p-corpus')
T = dict(statfs=8, lopen=12, lcreate=14, symlink=16, mknod=18, rename=20, readlink=22,
         getattr=24, setattr=26, xattrwalk=30, xattrcreate=32, readdir=40, fsync=50,
         lock=52, getlock=54, link=70, mkdir=72, renameat=74, unlinkat=76, version=100,
         auth=102, attach=104, flush=108, walk=110, read=116, write=118, clunk=120,
         remove=122)

def s(text):
    b = text.encode()
    return struct.pack('<H', len(b)) + b

def msg(kind, *fields):
    body = b''
    for f in fields:
        if isinstance(f, bytes):
            body += f
        else:
            fmt, v = f
            body += struct.pack('<' + fmt, v)
    return struct.pack('<IBH', 7 + len(body), T[kind], 1) + body

def u8(v): return ('B', v)
def u16(v): return ('H', v)
def u32(v): return ('I', v)
def u64(v): return ('Q', v)

def walk(fid, newfid, *names):
    return msg('walk', u32(fid), u32(newfid), u16(len(names)), *[s(n) for n in names])

def seed(name, *msgs, flags=0, msize=4):
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name), 'wb') as f:
        f.write(bytes([flags, msize]) + b''.join(msgs))

SETATTR0 = (u64(0), u64(0), u64(0), u64(0), u64(0))
seed('version', msg('version', u32(8192), s('9P2000.L')))
seed('attach', msg('attach', u32(1), u32(0xffffffff), s('root'), s(''), u32(0)))
seed('walk-getattr', walk(0, 1, 'd', 'f'), msg('getattr', u32(1), u64(0x7ff)))
seed('walk-dotdot', walk(0, 1, '..', '..', 'outside', 'secret'))
seed('walk-symlink', walk(0, 1, 'abs', 'passwd'), walk(0, 2, 'rel'), msg('readlink', u32(2)))
seed('open-read', walk(0, 1, 'big'), msg('lopen', u32(1), u32(0)),
     msg('read', u32(1), u64(0), u32(100000)), msg('read', u32(1), u64(69990), u32(100)))
seed('create-write', walk(0, 1, 'd'), msg('lcreate', u32(1), s('n'), u32(2), u32(0o644), u32(0)),
     msg('write', u32(1), u64(0), u32(5), b'hello'), msg('fsync', u32(1), u32(0)),
     msg('clunk', u32(1)))
seed('readdir', walk(0, 1), msg('lopen', u32(1), u32(0o200000)),
     msg('readdir', u32(1), u64(0), u32(60)), msg('readdir', u32(1), u64(1), u32(4096)))
seed('mkdir-rename', msg('mkdir', u32(0), s('m'), u32(0o755), u32(0)), walk(0, 1, 'd'),
     msg('renameat', u32(1), s('f'), u32(0), s('g')), walk(0, 2, 'm'),
     msg('rename', u32(2), u32(1), s('m2')))
seed('symlink-link', msg('symlink', u32(0), s('l'), s('/etc'), u32(0)), walk(0, 1, 'l'),
     msg('link', u32(0), u32(1), s('l2')), walk(0, 2, 'l2', 'passwd'))
seed('mknod', msg('mknod', u32(0), s('p'), u32(0o010644), u32(0), u32(0), u32(0)),
     msg('mknod', u32(0), s('c'), u32(0o020644), u32(1), u32(3), u32(0)))
seed('unlink-remove', msg('unlinkat', u32(0), s('big'), u32(0)), walk(0, 1, 'd'),
     msg('unlinkat', u32(1), s('f'), u32(0)), msg('remove', u32(1)))
seed('setattr', walk(0, 1, 'd', 'f'),
     msg('setattr', u32(1), u32(0x1ff), u32(0o600), u32(0), u32(0), u64(3), u64(1), u64(2),
         u64(3), u64(4)),
     msg('setattr', u32(0), u32(0x1), u32(0o700), u32(0), u32(0), *SETATTR0))
seed('statfs', msg('statfs', u32(0)))
seed('xattr', msg('xattrwalk', u32(0), u32(1), s('')), msg('read', u32(1), u64(0), u32(10)),
     msg('xattrwalk', u32(0), u32(2), s('user.x')),
     msg('xattrcreate', u32(0), s('user.x'), u64(1), u32(0)))
seed('lock', walk(0, 1, 'big'), msg('lopen', u32(1), u32(2)),
     msg('lock', u32(1), u8(1), u32(0), u64(0), u64(0), u32(1), s('c')),
     msg('getlock', u32(1), u8(0), u64(0), u64(10), u32(1), s('c')),
     msg('lock', u32(1), u8(2), u32(0), u64(0), u64(0), u32(1), s('c')))
seed('flush-auth', msg('flush', u16(1)), msg('auth', u32(5), s(''), s(''), u32(0)))
seed('open-unlink-fstat', walk(0, 1, 'd'),
     msg('lcreate', u32(1), s('t'), u32(2), u32(0o600), u32(0)),
     msg('unlinkat', u32(0), s('d'), u32(0x200)), walk(0, 2, 'd'),
     msg('unlinkat', u32(2), s('t'), u32(0)), msg('getattr', u32(1), u64(0x7ff)),
     msg('write', u32(1), u64(0), u32(1), b'x'))
seed('ro-write', walk(0, 1, 'big'), msg('lopen', u32(1), u32(1)),
     msg('mkdir', u32(0), s('m'), u32(0o755), u32(0)), flags=1)
seed('version-again', msg('version', u32(1 << 30), s('9P2000.L')), walk(0, 1, 'd'),
     msg('version', u32(4096), s('9P2000')), msg('clunk', u32(0)), msize=0)
