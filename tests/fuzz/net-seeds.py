#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# Seeds for fuzz-net (tests/fuzz/fuzz-net.c): writes tests/fuzz/net-corpus/.
import os
import struct

D = os.path.join(os.path.dirname(os.path.abspath(__file__)), "net-corpus")


def stream(data):
    out = b""
    for i in range(0, len(data), 255):
        part = data[i:i + 255]
        out += bytes([0, len(part)]) + part
    return out


def frame(n, seed=0):
    body = bytes((i * 31 + seed) & 0xff for i in range(n))
    return struct.pack(">I", n) + body


def poke(off, data):
    out = b""
    for i in range(0, len(data), 255):
        part = data[i:i + 255]
        out += bytes([1]) + struct.pack("<HB", off + i, len(part)) + part
    return out


def desc(gpa, ln, flags, nxt=0):
    return struct.pack("<QIHH", gpa, ln, flags, nxt)


rx_ring = poke(0x3000, desc(0x8000, 1526, 2) + desc(0x9000, 40, 2)) + \
    poke(0x4000, struct.pack("<HHHH", 0, 2, 0, 1))
tx_ring = poke(0x8800, bytes(12) + bytes(range(60))) + \
    poke(0x0, desc(0x8800, 12, 1, 1) + desc(0x8800 + 12, 60, 0)) + \
    poke(0x1000, struct.pack("<HHH", 0, 1, 0))
seeds = {
    # Two frames in the stream, the first fits its buffer, the second does not.
    "rx": rx_ring + stream(frame(60, 1) + frame(100, 2)),
    # A frame split across two stream writes, then a zero length: the stream stops.
    "rx-split": rx_ring + stream(frame(1000, 3)[:7]) + stream(frame(1000, 3)[7:]) +
    stream(struct.pack(">I", 0)),
    # A header and a frame in two descriptors.
    "tx": tx_ring + bytes([2]),
    "mac": bytes([3, 17]) + b"52:54:00:12:34:56" + bytes([3, 17]) + b"01:00:5e:00:00:01",
}
os.makedirs(D, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(D, name), "wb") as f:
        f.write(data)
