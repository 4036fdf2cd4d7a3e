#!/usr/bin/env python3
# Writes the hand-made seed inputs of fuzz-virtq into tests/fuzz/virtq-corpus/
# (see fuzz-virtq.c for the format). Queue of 4: descriptors at 0x40, avail
# ring at 0xc0, used ring at 0x100, buffers from 0x200.
import os, struct
D, A, U = 0x40, 0xc0, 0x100
N, W, I = 1, 2, 4

def seed(name, descs, heads, idx=None, evt=1, log2=2, table=()):
    ram = bytearray(0x300)
    for i, (addr, ln, fl, nx) in enumerate(table):
        struct.pack_into('<QIHH', ram, 0x2c0 + 16 * i, addr, ln, fl, nx)
    for i, (addr, ln, fl, nx) in enumerate(descs):
        struct.pack_into('<QIHH', ram, D + 16 * i, addr, ln, fl, nx)
    struct.pack_into('<HH', ram, A, 0, len(heads) if idx is None else idx)
    for i, h in enumerate(heads):
        struct.pack_into('<H', ram, A + 4 + 2 * i, h)
    hdr = bytes([log2, evt]) + struct.pack('<HHH', D // 16, A // 16, U // 16)
    open(os.path.join(os.path.dirname(__file__), 'virtq-corpus', name), 'wb').write(hdr + ram)

seed('one-read', [(0x200, 16, 0, 0)], [0])
seed('blk-like', [(0x200, 16, N, 1), (0x220, 512, N | W, 2), (0x280, 1, W, 0)], [0])
seed('two-chains', [(0x200, 8, 0, 0), (0x210, 8, W, 0)], [0, 1])
seed('loop', [(0x200, 8, N, 1), (0x210, 8, N, 0)], [0])
seed('bad-next', [(0x200, 8, N, 9)], [0])
seed('indirect', [(0x200, 32, I, 0)], [0])
seed('outside-ram', [(0x7fff0000, 8, 0, 0)], [0])
seed('straddle', [(0xfff0, 0x20, W, 0)], [0])
seed('order', [(0x200, 8, N | W, 1), (0x210, 8, 0, 0)], [0])
seed('idx-jump', [(0x200, 8, 0, 0)], [0], idx=9)
seed('bad-head', [(0x200, 8, 0, 0)], [7])
seed('no-event-idx', [(0x200, 8, 0, 0)], [0], evt=0)
seed('len-overflow', [(0x200, 0xffffffff, N, 1), (0x200, 8, 0, 0)], [0])

# Indirect tables (evt bit 1: VIRTIO_RING_F_INDIRECT_DESC negotiated), the
# table at 0x2c0 (3 entries of room before 0x2f0).
T = 0x2c0
def seed_ind(name, descs, table, evt=3):
    seed(name, descs, [0], evt=evt, table=table)

seed_ind('ind-blk', [(T, 48, I, 0)], [(0x200, 16, N, 1), (0x220, 512, N | W, 2), (0x280, 1, W, 0)])
seed_ind('ind-after-direct', [(0x200, 16, N, 1), (T, 16, I, 0)], [(0x280, 1, W, 0)])
seed_ind('ind-nested', [(T, 32, I, 0)], [(0x200, 8, N, 1), (T, 32, I, 0)])
seed_ind('ind-loop', [(T, 32, I, 0)], [(0x200, 8, N, 1), (0x210, 8, N, 0)])
seed_ind('ind-next', [(T, 32, I, 0)], [(0x200, 8, N, 5), (0x210, 8, 0, 0)])
seed_ind('ind-badlen', [(T, 24, I, 0)], [(0x200, 8, 0, 0)])
seed_ind('ind-with-next', [(T, 16, I | N, 1), (0x200, 8, W, 0)], [(0x200, 8, 0, 0)])
seed_ind('ind-outside', [(0xfff0, 64, I, 0)], [])
seed_ind('ind-not-negotiated', [(T, 16, I, 0)], [(0x200, 8, 0, 0)], evt=1)
