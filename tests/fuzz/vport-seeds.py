#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# Seeds for fuzz-vport (tests/fuzz/fuzz-vport.c): writes tests/fuzz/vport-corpus/.
import os
import struct

D = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vport-corpus")


def ctl(pid, ev, val, ln=8):
    return bytes([0]) + struct.pack("<IHHB", pid, ev, val, ln)


def take(cap=255):
    return bytes([3, cap])


def poke(off, data):
    out = b""
    for i in range(0, len(data), 255):
        part = data[i:i + 255]
        out += bytes([4]) + struct.pack("<HB", off + i, len(part)) + part
    return out


def desc(gpa, ln, flags, nxt=0):
    return struct.pack("<QIHH", gpa, ln, flags, nxt)


seeds = {
    # Linux's order: DEVICE_READY, DEVICE_ADDs, PORT_READY, NAME + OPEN, the guest opens, EOF, reset.
    "handshake": bytes([1]) + ctl(0xffffffff, 0, 1) + take() + take() + ctl(0, 3, 1) + take() +
    take() + ctl(0, 6, 1) + bytes([1, 0]) + take() + ctl(1, 3, 1) + take(9) + take() + bytes([2]),
    # The same through the rings: a DEVICE_READY chain on the transmit queue, a buffer to fill.
    "rings": bytes([0]) + poke(0x8000, struct.pack("<IHH", 0xffffffff, 0, 1)) +
    poke(0x0, desc(0x8000, 8, 0)) + poke(0x1000, struct.pack("<HHH", 0, 1, 0)) + bytes([5]) +
    poke(0x3000, desc(0x9000, 64, 2)) + poke(0x4000, struct.pack("<HHH", 0, 1, 0)) + bytes([6]),
    # Everything refused: short, unknown events, ids out of range, out of order.
    "refused": bytes([7]) + ctl(0, 6, 1) + ctl(0, 0, 1, 4) + ctl(9, 3, 1) + ctl(0, 7, 1) +
    ctl(0, 0, 1) + ctl(0xffffffff, 6, 1) + ctl(3, 6, 1),
}
os.makedirs(D, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(D, name), "wb") as f:
        f.write(data)
