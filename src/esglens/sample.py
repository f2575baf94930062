"""Write a sample sustainability report PDF for a fictional company, to try esglens on.

The real reports esglens is built for are copyrighted, so the repo makes its own: six pages with
running headers and footers, a two-column page, a KPI table with footnote markers, targets and a
few vague claims — the features a real report has. Needs reportlab (``pip install 'esglens[sample]'``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import ConfigError

COMPANY = "Northwind Renewables"
YEAR = 2024

_PAGES: list[dict[str, Any]] = [
    {
        "title": f"{COMPANY} Sustainability Report {YEAR}",
        "paragraphs": [
            f"{COMPANY} plc designs, builds and operates wind and solar farms and battery storage in "
            "Northern Europe, supplying renewable electricity to 2.1 million homes. This report covers "
            f"the financial year ended 31 December {YEAR} and follows the GRI Standards and the "
            "recommendations of the TCFD.",
            "Our purpose is to accelerate the transition to clean energy while caring for the people "
            "and places around our sites.",
        ],
    },
    {
        "heading": "Message from our Chief Executive",
        "paragraphs": [
            "We are committed to reaching net zero greenhouse gas emissions across Scope 1, 2 and 3 "
            "by 2040. In 2024 we reduced our combined Scope 1 and 2 emissions by 18% compared with "
            "2019, mainly by electrifying our service vessel fleet and buying renewable electricity "
            "for our offices and warehouses.",
            "We aim to reduce absolute Scope 1 and 2 emissions by 50% by 2030 from a 2019 base year, "
            "a target validated by the Science Based Targets initiative. We also committed to source "
            "100% renewable electricity by 2026.",
            "We are the industry leader in sustainable operations and strive to be carbon neutral "
            "in the future.",
        ],
    },
    {
        "heading": "Environment",
        "columns": [
            [
                "Climate and energy. Total energy consumption fell to 412,300 MWh in 2024, of which "
                "86% came from renewable sources. Our new battery sites at Aldbrough and Hornsea "
                "store surplus wind power for the evening peak.",
                "Water. Water withdrawal was 152,400 cubic metres, mostly for panel cleaning at our "
                "solar farms, down 9% on 2023 thanks to robotic dry cleaning.",
            ],
            [
                "Waste and circularity. We generated 8,950 tonnes of waste and diverted 91% from "
                "landfill. Since 2022 every decommissioned turbine blade has been recycled into "
                "cement kiln feedstock.",
                "Biodiversity. At each new site we deliver a biodiversity net gain of at least 10%, "
                "restoring 640 hectares of peatland and meadow in 2024.",
            ],
        ],
    },
    {
        "heading": "Key performance indicators",
        "table": [
            ["Indicator", "Unit", "2024", "2023", "2022"],
            ["Scope 1 emissions¹", "tCO2e", "38,420", "41,050", "44,900"],
            ["Scope 2 emissions (market-based)²", "tCO2e", "5,310", "7,820", "9,960"],
            ["Scope 2 emissions (location-based)", "tCO2e", "12,640", "13,210", "14,030"],
            ["Scope 3 emissions", "tCO2e", "1,245,000", "1,310,000", "1,402,000"],
            ["Energy consumption", "MWh", "412,300", "436,900", "451,200"],
            ["Water withdrawal", "m3", "152,400", "167,500", "171,000"],
            ["Waste generated", "t", "8,950", "9,400", "10,120"],
            ["Employees", "headcount", "3,214", "2,987", "2,760"],
            ["Women in workforce", "%", "34", "32", "30"],
            ["Lost time injury frequency rate", "per million hours", "0.42", "0.51", "0.63"],
        ],
        "notes": [
            "1 Scope 1 covers fuel used by service vessels, vehicles and backup generators.",
            "2 Market-based Scope 2 reflects renewable electricity purchase agreements.",
        ],
    },
    {
        "heading": "Social",
        "paragraphs": [
            "Our people. We employed 3,214 people at the end of 2024, 34% of them women, and women "
            "held 29% of management positions. Every employee received on average 31 hours of "
            "training, including new courses on high-voltage safety.",
            "Health and safety. Our lost time injury frequency rate improved to 0.42 per million "
            "hours worked and we recorded no fatalities for the fifth consecutive year.",
            "Communities. Employees volunteered 12,500 hours and we invested EUR 4.2 million in "
            "community programmes, including apprenticeships in coastal towns near our wind farms.",
        ],
    },
    {
        "heading": "Governance",
        "paragraphs": [
            "The Board's Sustainability Committee, chaired by an independent non-executive director, "
            "oversees climate risks and reviews progress on our targets every quarter.",
            "Our Code of Conduct and anti-corruption policy apply to all employees and suppliers; "
            "in 2024, 98% of employees completed ethics training and no confirmed cases of "
            "corruption were recorded.",
            "We protect customer data under an ISO 27001 certified information security system, and "
            "we publish our tax contribution country by country.",
        ],
    },
]


def write_sample_report(out: str | Path) -> Path:
    """Write the sample report PDF to ``out`` and return its path (parents are created)."""
    try:
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.utils import simpleSplit
        from reportlab.pdfgen import canvas
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ConfigError("the sample report needs reportlab — pip install 'esglens[sample]'") from exc

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    c = canvas.Canvas(str(out), pagesize=A4)
    c.setTitle(f"{COMPANY} Sustainability Report {YEAR}")
    c.setAuthor(COMPANY)
    width, height = A4

    def wrap(text: str, x: float, y: float, w: float, size: float = 10) -> float:
        c.setFont("Helvetica", size)
        for line in simpleSplit(text, "Helvetica", size, w):
            c.drawString(x, y, line)
            y -= size * 1.35
        return y - size * 0.8

    for number, spec in enumerate(_PAGES, start=1):
        c.setFont("Helvetica", 8)
        c.drawString(56, height - 36, f"{COMPANY} · Sustainability Report {YEAR}")
        c.drawRightString(width - 56, 30, str(number))
        y = height - 90
        if "title" in spec:
            c.setFont("Helvetica-Bold", 24)
            for line in simpleSplit(spec["title"], "Helvetica-Bold", 24, width - 112):
                c.drawString(56, y, line)
                y -= 30
            y -= 20
        if "heading" in spec:
            c.setFont("Helvetica-Bold", 16)
            c.drawString(56, y, spec["heading"])
            y -= 30
        for para in spec.get("paragraphs", []):
            y = wrap(para, 56, y, width - 112)
        if "columns" in spec:
            col_w = (width - 112 - 24) / 2
            for i, column in enumerate(spec["columns"]):
                yy = y
                for para in column:
                    yy = wrap(para, 56 + i * (col_w + 24), yy, col_w)
        if "table" in spec:
            xs = [56, 260, 360, 430, 500]
            for r, row in enumerate(spec["table"]):
                for x, cell in zip(xs, row, strict=True):
                    c.setFont("Helvetica-Bold" if r == 0 else "Helvetica", 9)
                    base = cell.rstrip("¹²")
                    c.drawString(x, y, base)
                    if base != cell:  # footnote marker as a real raised superscript
                        c.setFont("Helvetica", 6)
                        c.drawString(x + c.stringWidth(base, "Helvetica", 9) + 0.5, y + 4,
                                     "1" if cell.endswith("¹") else "2")
                y -= 18
            y -= 12
            for note in spec.get("notes", []):
                y = wrap(note, 56, y, width - 112, size=7)
        c.showPage()
    c.save()
    return out
