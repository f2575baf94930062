"""Hostile PDFs, built byte by byte: loops, bombs, bad strings, damage. Shared by the fuzz tests and
``benchmarks/fuzz_campaign.py``.

Each builder returns the bytes of one PDF whose defect is known exactly, so a test can say what the
clean outcome is (one ``Error:`` line, or a read that skips what it cannot parse). Object numbers
start at 1; ``pdf_bytes`` writes a correct xref table, so the defect is only the one intended.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Sequence

FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def stream(entries: bytes, data: bytes) -> bytes:
    """A stream object body: the dictionary ``entries`` plus /Length, then the data."""
    return b"<< " + entries + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def text_content(lines: Sequence[str]) -> bytes:
    """A page content stream drawing ``lines`` (ASCII) in 12 pt Helvetica from the top."""
    ops = [b"BT /F1 12 Tf 72 760 Td 16 TL"]
    for line in lines:
        ops.append(b"(" + line.encode("ascii").replace(b"(", b"\\(").replace(b")", b"\\)") + b") '")
    ops.append(b"ET")
    return b"\n".join(ops)


def pdf_bytes(objects: Sequence[bytes], *, info: bytes | None = None, xref: bool = True) -> bytes:
    """A PDF file of ``objects`` (object 1 is the catalog), with an /Info dictionary if given."""
    objs = list(objects)
    if info is not None:
        objs.append(info)
    out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for number, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    start = len(out)
    trailer = b"/Size %d /Root 1 0 R" % (len(objs) + 1)
    if info is not None:
        trailer += b" /Info %d 0 R" % len(objs)
    if xref:
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
        out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< " + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % start
    return out


def simple_pdf(pages: Sequence[Sequence[str]], *, catalog_extra: bytes = b"",
               info: bytes | None = None, extra: Sequence[bytes] = ()) -> bytes:
    """A well-formed PDF of text pages; ``catalog_extra`` and ``extra`` objects add the defect.

    Objects: 1 catalog, 2 page tree, 3 font, then a (page, content) pair per page, then ``extra``
    (numbered from ``5 + 2 * len(pages) - 1`` on; see ``extra_number``).
    """
    n = len(pages)
    kids = b" ".join(b"%d 0 R" % (4 + 2 * i) for i in range(n))
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % n,
        FONT,
    ]
    for i, lines in enumerate(pages):
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                    b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (5 + 2 * i))
        objs.append(stream(b"", text_content(lines)))
    return pdf_bytes(objs + list(extra), info=info)


def extra_number(page_count: int, index: int = 0) -> int:
    """The object number of ``simple_pdf``'s ``extra[index]`` for a PDF of ``page_count`` pages."""
    return 4 + 2 * page_count + index


def _page_text(i: int) -> list[str]:
    return [f"Page {i + 1} of a report on emissions.", "Scope 1 emissions were 1,200 tCO2e in 2023."]


def pagelabels_loop(pages: int = 3) -> bytes:
    """/PageLabels whose /Kids points to itself: pdfium recurses until its stack overflows."""
    n = extra_number(pages)
    return simple_pdf([_page_text(i) for i in range(pages)], catalog_extra=b"/PageLabels %d 0 R" % n,
                      extra=[b"<< /Kids [%d 0 R] >>" % n])


def pagetree_loop(pages: int = 3) -> bytes:
    """A page tree whose /Kids lists the tree itself beside the real pages."""
    data = simple_pdf([_page_text(i) for i in range(pages)])
    return data.replace(b"/Kids [4 0 R", b"/Kids [2 0 R 4 0 R", 1)


def zeros_deflate(size_mb: int) -> bytes:
    """A zlib stream that inflates to ``size_mb`` MiB of NUL bytes (~1000:1), built in milliseconds.

    One MiB block is compressed once with a full flush (byte-aligned, no back-references) and
    repeated; the Adler-32 of n NUL bytes is (n mod 65521) << 16 | 1 (RFC 1950 §8).
    """
    co = zlib.compressobj(9)
    chunk = bytes(1 << 20)
    head = co.compress(chunk) + co.flush(zlib.Z_FULL_FLUSH)
    body = co.compress(chunk) + co.flush(zlib.Z_FULL_FLUSH)
    end = co.flush(zlib.Z_FINISH)[:-4]
    total = size_mb << 20
    return head + body * (size_mb - 1) + end + (((total % 65521) << 16) | 1).to_bytes(4, "big")


def flate_bomb(size_mb: int = 2048, *, double: bool = True, where: str = "content",
               text: bool = True) -> bytes:
    """A page whose content stream (or an image on it) inflates to ``size_mb`` MiB.

    ``double`` wraps the stream in a second /FlateDecode, so a multi-GB bomb is a few KB on disk;
    ``text=False`` leaves the page without a text layer, so OCR renders it (and the image).
    """
    data = zeros_deflate(size_mb)
    filters = b"/Filter /FlateDecode"
    if double:
        data = zlib.compress(data, 9)
        filters = b"/Filter [/FlateDecode /FlateDecode]"
    drawn = text_content(["A page with a bomb."]) if text else b"q Q"
    if where == "content":
        page_objs = [
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >>"
            b" /Contents [5 0 R 6 0 R] >>",
            stream(b"", drawn),
            stream(filters, data),
        ]
    else:  # an image XObject of 1 byte per pixel, as wide as the bomb is long
        side = int((size_mb << 20) ** 0.5)
        page_objs = [
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >>"
            b" /XObject << /Im1 6 0 R >> >> /Contents 5 0 R >>",
            stream(b"", drawn + b"\nq 500 0 0 500 50 50 cm /Im1 Do Q"),
            stream(b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
                   b"/BitsPerComponent 8 " % (side, side) + filters, data),
        ]
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>", FONT]
    return pdf_bytes(objs + page_objs)


def broken_kids(pages: int = 3) -> bytes:
    """A page tree whose /Kids also lists a font and a missing object: those two pages fail to load."""
    data = simple_pdf([_page_text(i) for i in range(pages)])
    data = data.replace(b"/Kids [4 0 R", b"/Kids [4 0 R 3 0 R 99 0 R", 1)
    return data.replace(b"/Count %d" % pages, b"/Count %d" % (pages + 2), 1)


def bad_title() -> bytes:
    """/Title as UTF-16 with an unpaired surrogate and an odd byte count."""
    info = b"<< /Title <FEFFD800004100> /Author <FEFFDC00> /Producer (\xff\xfe\x00) >>"
    return simple_pdf([_page_text(0)], info=info)


def encrypted_rc4() -> bytes:
    """A PDF claiming standard encryption with garbage keys: no password opens it."""
    data = simple_pdf([_page_text(0)])
    enc = (b"<< /Filter /Standard /V 2 /R 3 /Length 128 /P -4 /O <" + b"00" * 32
           + b"> /U <" + b"11" * 32 + b"> >>")
    data = data.replace(b"trailer\n<< ", b"trailer\n<< /Encrypt " + enc + b" /ID [<00><00>] ", 1)
    return data


def javascript_and_attachment() -> bytes:
    """OpenAction JavaScript and an embedded file: both must be ignored, the text read."""
    n = extra_number(1)
    return simple_pdf(
        [_page_text(0)],
        catalog_extra=b"/OpenAction << /S /JavaScript /JS (app.alert\\('x'\\); while\\(1\\){}) >> "
        b"/Names << /EmbeddedFiles << /Names [(a.exe) %d 0 R] >> >>" % n,
        extra=[b"<< /Type /Filespec /F (a.exe) /EF << /F %d 0 R >> >>" % (n + 1),
               stream(b"/Type /EmbeddedFile", b"MZ" + bytes(200))],
    )


def truncate(data: bytes, fraction: float) -> bytes:
    """The first ``fraction`` of ``data``."""
    return data[: max(1, int(len(data) * fraction))]


def flip_bytes(data: bytes, count: int, seed: int) -> bytes:
    """``data`` with ``count`` random bytes replaced (after the %PDF header), reproducibly."""
    rng = random.Random(seed)
    out = bytearray(data)
    for _ in range(count):
        i = rng.randrange(16, len(out))
        out[i] = rng.randrange(256)
    return bytes(out)


def damage_xref(data: bytes, seed: int) -> bytes:
    """Shift every xref offset by a random amount, or cut the xref and trailer away."""
    rng = random.Random(seed)
    at = data.rfind(b"xref\n")
    if at < 0 or rng.random() < 0.3:
        return data[:at] if at > 0 else data
    head, table = data[:at], data[at:]
    lines = table.split(b"\n")
    shift = rng.choice([-7, -1, 1, 13, 1000])
    for i, line in enumerate(lines):
        if line.endswith(b" n ") and len(line) == 19:
            lines[i] = b"%010d 00000 n " % max(0, int(line[:10]) + shift)
    return head + b"\n".join(lines)
