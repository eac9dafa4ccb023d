"""Tiny real OLE2 compound files (the container of .doc, .xls, .ppt and .msi), for tests.

A version-3 file of 512-byte sectors: the header, one FAT sector, one directory sector,
then each stream in regular sectors (streams are padded to 4096 bytes, the mini-stream
cutoff, so no mini stream is needed). Readable by olefile and by Office's own parsers.
"""

from __future__ import annotations

import struct

SECTOR = 512
STREAM_BYTES = 4096
FREE, END, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _entry(name: str, kind: int, *, right: int = NOSTREAM, child: int = NOSTREAM,
           start: int = END, size: int = 0) -> bytes:  # fmt: skip
    encoded = name.encode("utf-16-le") + b"\x00\x00"
    return (
        encoded.ljust(64, b"\x00")
        + struct.pack("<HBB", len(encoded), kind, 1)  # length, type, black
        + struct.pack("<III", NOSTREAM, right, child)
        + b"\x00" * 16  # CLSID
        + b"\x00" * 4  # state bits
        + b"\x00" * 16  # creation and modification times
        + struct.pack("<IQ", start, size)
    )


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A compound file holding these streams at its root (at most three)."""
    assert 0 < len(streams) <= 3, "one directory sector holds the root and three streams"
    # Siblings form a binary tree ordered by name length, then upper-cased name: a chain
    # of right siblings in that order is a valid (if unbalanced) one.
    names = sorted(streams, key=lambda n: (len(n), n.upper()))
    fat = [FATSECT, END]
    entries = [_entry("Root Entry", 5, child=1)]
    data = b""
    for index, name in enumerate(names):
        content = streams[name][:STREAM_BYTES].ljust(STREAM_BYTES, b"\x00")
        start = len(fat)
        count = STREAM_BYTES // SECTOR
        fat += [start + i + 1 for i in range(count - 1)] + [END]
        right = index + 2 if index + 1 < len(names) else NOSTREAM
        entries.append(_entry(name, 2, right=right, start=start, size=STREAM_BYTES))
        data += content
    unused = b"\x00" * 68 + struct.pack("<III", NOSTREAM, NOSTREAM, NOSTREAM) + b"\x00" * 52
    entries += [unused] * (4 - len(entries))
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, STREAM_BYTES, END, 0, END, 0)
        + struct.pack("<I", 0)  # DIFAT[0]: the FAT is sector 0
        + struct.pack("<I", FREE) * 108
    )
    assert len(header) == SECTOR
    fat_sector = b"".join(struct.pack("<I", v) for v in fat).ljust(SECTOR, b"\xff")
    return header + fat_sector + b"".join(entries) + data


def word_document() -> bytes:
    """A .doc as far as its container goes: a WordDocument stream and a table stream."""
    return compound_file({"WordDocument": b"\xec\xa5\xc1\x00" + b"\x00" * 60, "1Table": b""})


def excel_workbook() -> bytes:
    return compound_file({"Workbook": b"\x09\x08\x10\x00\x00\x06\x05\x00"})


def powerpoint_presentation() -> bytes:
    return compound_file({"PowerPoint Document": b"\x00" * 16, "Current User": b"\x00" * 8})


def installer() -> bytes:
    """Shaped like a Windows Installer package: compound file, no Office stream."""
    return compound_file({"\u0005SummaryInformation": b"\xfe\xff", "\u4840\u3f3f": b"MSI"})
