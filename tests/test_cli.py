"""The command line, in-process: exit codes, one-line errors on bad input, nothing half-written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from esglens.cli import main


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _assert_one_line_error(err: str, *needles: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("Error: ")
    assert "Traceback" not in err
    for needle in needles:
        assert needle in lines[0]


def _encrypted_pdf(path: Path) -> Path:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    enc = pdfencrypt.StandardEncryption("secret", canPrint=0)
    c = canvas.Canvas(str(path), encrypt=enc)
    c.drawString(72, 700, "Confidential ESG figures for 2024.")
    c.showPage()
    c.save()
    return path


def _zero_page_pdf(path: Path) -> Path:
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
    out = b"%PDF-1.4\n"
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    path.write_bytes(out)
    return path


def _image_only_pdf(path: Path) -> Path:
    """A page that is only a picture of nothing: no text layer, nothing to OCR."""
    from reportlab.graphics.shapes import Drawing, Rect
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    d = Drawing(100, 100)
    d.add(Rect(0, 0, 100, 100, fillColor=None))
    c.showPage()
    c.save()
    return path


def test_read_summary_and_json(make_pdf, capsys):
    pdf = make_pdf("r.pdf", [[("Our climate plan", 18), "We cut emissions by 20% in 2024."],
                             ["Second page text."]])
    code, out, _ = _run(capsys, "read", str(pdf))
    assert code == 0 and "2 pages" in out and "p.1" in out
    code, out, _ = _run(capsys, "read", str(pdf), "--json", "--pages", "2")
    data = json.loads(out)
    assert code == 0
    assert [p["number"] for p in data["pages"]] == [2]
    assert {"number", "text", "blocks", "tables", "ocr"} <= set(data["pages"][0])


@pytest.mark.parametrize(
    ("make", "needles"),
    [
        (lambda p: p.write_bytes(b""), ("empty",)),
        (lambda p: p.write_text("just some text, not a PDF"), ("not a PDF",)),
        (lambda p: p.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40), ("damaged",)),
    ],
    ids=["empty", "not-a-pdf", "garbage-after-header"],
)
def test_bad_files_fail_with_one_line(tmp_path, capsys, make, needles):
    path = tmp_path / "bad.pdf"
    make(path)
    code, out, err = _run(capsys, "read", str(path))
    assert code == 1 and out == ""
    _assert_one_line_error(err, str(path), *needles)


def test_truncated_pdf(make_pdf, tmp_path, capsys):
    good = make_pdf("good.pdf", [["Some text on a page that will be cut."]] * 3)
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 3])
    code, _, err = _run(capsys, "read", str(cut))
    # pdfium repairs what it can; either the surviving pages read or it fails with one line.
    if code != 0:
        assert code == 1
        _assert_one_line_error(err, "cut.pdf")


def test_missing_path_and_directory(tmp_path, capsys):
    code, _, err = _run(capsys, "read", str(tmp_path / "nope.pdf"))
    assert code == 1
    _assert_one_line_error(err, "no such file")
    code, _, err = _run(capsys, "read", str(tmp_path))
    assert code == 1
    _assert_one_line_error(err, "directory")


def test_encrypted_pdf_offers_password(tmp_path, capsys):
    pdf = _encrypted_pdf(tmp_path / "locked.pdf")
    code, _, err = _run(capsys, "read", str(pdf))
    assert code == 1
    _assert_one_line_error(err, "encrypted", "--password")
    code, _, err = _run(capsys, "read", str(pdf), "--password", "wrong")
    assert code == 1
    _assert_one_line_error(err, "wrong")
    code, out, _ = _run(capsys, "read", str(pdf), "--password", "secret", "--json")
    assert code == 0 and "Confidential ESG figures" in out


def test_zero_pages(tmp_path, capsys):
    code, _, err = _run(capsys, "read", str(_zero_page_pdf(tmp_path / "zero.pdf")))
    assert code == 1
    _assert_one_line_error(err)


def test_no_text_at_all(tmp_path, capsys):
    code, _, err = _run(capsys, "read", str(_image_only_pdf(tmp_path / "blank.pdf")))
    assert code == 1
    _assert_one_line_error(err, "no text")


def test_too_many_pages(make_pdf, capsys):
    pdf = make_pdf("long.pdf", [["A page of a long report."]] * 30)
    code, _, err = _run(capsys, "read", str(pdf), "--max-pages", "20")
    assert code == 1
    _assert_one_line_error(err, "30 pages", "--pages")


def test_two_thousand_pages_fail_fast(tmp_path, capsys):
    from reportlab.pdfgen import canvas

    path = tmp_path / "huge.pdf"
    c = canvas.Canvas(str(path))
    for i in range(2000):
        c.drawString(72, 700, f"Page {i}")
        c.showPage()
    c.save()
    code, _, err = _run(capsys, "read", str(path))
    assert code == 1
    _assert_one_line_error(err, "2000 pages", "--max-pages")


def test_usage_errors_exit_2(capsys, make_pdf):
    code, _, err = _run(capsys, "read")
    assert code == 2 and err.startswith("Error:")
    pdf = make_pdf("p.pdf", [["text on the page"]])
    code, _, err = _run(capsys, "read", str(pdf), "--pages", "9-3")
    assert code == 2
    _assert_one_line_error(err, "--pages")


def test_analyze_leaves_nothing_half_written_on_failure(tmp_path, capsys):
    bad = tmp_path / "bad.pdf"
    bad.write_text("nope")
    out = tmp_path / "out"
    code, _, err = _run(capsys, "analyze", str(bad), "--out", str(out))
    assert code == 1
    _assert_one_line_error(err)
    assert not out.exists() or not any(out.iterdir())


def test_sample_command_writes_a_readable_report(tmp_path, capsys):
    target = tmp_path / "sample.pdf"
    code, out, _ = _run(capsys, "sample", str(target))
    assert code == 0 and target.exists()
    code, out, _ = _run(capsys, "read", str(target), "--json")
    doc = json.loads(out)
    assert doc["page_count"] == 6
    assert any("Scope 1 emissions¹ tCO2e 38,420" in p["text"] for p in doc["pages"])
