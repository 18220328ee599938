#!/usr/bin/env python3
"""Extract one face of an OpenType collection (.ttc/.otc) into a standalone .otf/.ttf.

Why: Debian ships Noto Sans CJK only as a 10-face collection (~19 MB). The report needs just the
Simplified Chinese face. The tables are copied byte for byte (no glyph is touched), so the result
renders exactly like the face inside the collection. Standard library only.

usage: extract_ttc_face.py COLLECTION INDEX OUT
"""
import struct
import sys


def checksum(data: bytes) -> int:
    data = data + b"\0" * (-len(data) % 4)
    return sum(struct.unpack(f">{len(data) // 4}L", data)) & 0xFFFFFFFF


def main() -> None:
    src, index, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    blob = open(src, "rb").read()
    if blob[:4] != b"ttcf":
        sys.exit("not a font collection")
    (num_fonts,) = struct.unpack(">L", blob[8:12])
    if not 0 <= index < num_fonts:
        sys.exit(f"face index {index} out of range (collection has {num_fonts})")
    (face_off,) = struct.unpack(">L", blob[12 + 4 * index : 16 + 4 * index])
    sfnt_version, num_tables = struct.unpack(">LH", blob[face_off : face_off + 6])

    tables = []
    for i in range(num_tables):
        rec = face_off + 12 + 16 * i
        tag, csum, off, length = struct.unpack(">4sLLL", blob[rec : rec + 16])
        tables.append((tag, csum, blob[off : off + length]))
    tables.sort(key=lambda t: t[0])

    entry_selector = max(k for k in range(16) if (1 << k) <= num_tables)
    search_range = (1 << entry_selector) * 16
    range_shift = num_tables * 16 - search_range
    header = struct.pack(">LHHHH", sfnt_version, num_tables, search_range, entry_selector, range_shift)

    offset = 12 + 16 * num_tables
    directory, body = b"", b""
    head_at = None
    for tag, _, data in tables:
        if tag == b"head":
            # checkSumAdjustment is recomputed below; the table checksum assumes it is zero.
            data = data[:8] + b"\0\0\0\0" + data[12:]
            head_at = offset + len(body)
        directory += struct.pack(">4sLLL", tag, checksum(data), offset + len(body), len(data))
        body += data + b"\0" * (-len(data) % 4)

    font = bytearray(header + directory + body)
    if head_at is not None:
        adjust = (0xB1B0AFBA - checksum(bytes(font))) & 0xFFFFFFFF
        font[head_at + 8 : head_at + 12] = struct.pack(">L", adjust)
    open(out, "wb").write(font)


if __name__ == "__main__":
    main()
