"""The quarterly report: the XLSX opened back, and the printable page."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def english(user):
    client = client_for(user)
    client.cookies["django_language"] = "en"
    return client


def workbook(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def rows_of(sheet) -> list[tuple]:
    return list(sheet.iter_rows(min_row=6, values_only=True))


def test_national_xlsx_has_a_sheet_per_view_with_period_and_numbers(world, ministry):
    response = english(ministry).get("/dashboard/report.xlsx?year=2026&quarter=2")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "jipp-laporan-replikasi-nasional-2026-q2.xlsx" in response["Content-Disposition"]
    book = workbook(response)
    assert book.sheetnames == [
        "Summary", "Provinces", "Stages", "Innovations", "Results by sector",
        "Results by SDG goal", "Forums", "Overdue", "Notifications",
    ]  # fmt: skip
    summary = book["Summary"]
    assert summary["A1"].value == "Replication report: Indonesia (national), Quarter 2 2026"
    assert summary["A2"].value == "Period: 1 April 2026 to 30 June 2026"
    assert summary["A3"].value.startswith("Generated 15 August 2026, 10:00 WIB")
    assert [cell.value for cell in summary[5]] == ["Figure", "Value"]
    assert summary["A5"].font.bold and summary["A5"].fill.fgColor.rgb.endswith("0B3A66")
    figures = dict(rows_of(summary))
    assert figures["Approved innovations"] == 4
    assert figures["In the period: stages verified"] == 4
    assert figures["In the period: plans approved"] == 0
    assert figures["At the end: plans approved"] == 2  # P1, P2; P4 was cancelled in May
    assert figures["At the end: plans completed"] == 1
    assert figures["Stages overdue now"] == 3
    provinces = {row[0]: row for row in rows_of(book["Provinces"])}
    assert len(provinces) == 38
    assert provinces["63"][1] == "Kalimantan Selatan"
    assert provinces["63"][3] == 4  # stages verified in the quarter
    stages = {row[0]: row for row in rows_of(book["Stages"])}
    assert stages["Kalimantan Selatan"][4] == 1  # trial, the fourth stage
    assert rows_of(book["Innovations"]) == [
        ("Menggapai Mimpi Sahabat Rimba", "Balai KPH Yogyakarta", 2, 1, 2)
    ]
    assert rows_of(book["Overdue"]) == [("Jawa Tengah", 2), ("Kalimantan Selatan", 1)]
    assert rows_of(book["Forums"]) == [("April 2026", 0), ("May 2026", 0), ("June 2026", 0)]


def test_bappeda_xlsx_is_its_province_with_next_due_stages(world, bappeda_kalsel):
    response = english(bappeda_kalsel).get("/dashboard/report.xlsx?year=2026")
    book = workbook(response)
    assert "Provinces" not in book.sheetnames
    assert book["Summary"]["A1"].value == "Replication report: Kalimantan Selatan, 2026"
    assert "WITA" in book["Summary"]["A3"].value
    assert [row[0] for row in rows_of(book["Stages"])] == ["Kalimantan Selatan"]
    due = rows_of(book["Next due"])
    assert due[0][1] == "Trial" and due[0][3] == 14
    assert "Jawa Tengah" not in str([rows_of(sheet) for sheet in book.worksheets])


def test_printable_report_states_period_and_generation_time(world, ministry):
    response = client_for(ministry).get("/dashboard/report/?year=2026&quarter=1")
    assert response.status_code == 200
    html = response.content.decode()
    assert "css/dashboard.css" in html  # its print rules
    assert response.context["period_line"]
    assert 'id="r-provinces"' in html  # the national report has the province table


# -- results (the results_world of conftest.py) ------------------------------------------------


def test_national_xlsx_carries_the_results_of_the_period(results_world, ministry):
    response = english(ministry).get("/dashboard/report.xlsx?year=2026&quarter=2")
    book = workbook(response)
    figures = dict(rows_of(book["Summary"]))
    assert figures["In the period: plans completed"] == 1
    assert figures["In the period: indicators verified"] == 3
    assert figures["In the period: indicators that reached their target"] == 2
    assert figures["In the period: share that reached its target (%)"] == 67
    assert [cell.value for cell in book["Results by sector"][5]] == [
        "Sector", "Indicators verified in the period", "Indicators that reached their target",
        "Share that reached its target (%)",
    ]  # fmt: skip
    assert rows_of(book["Results by sector"]) == [("Education", 3, 2, 67)]
    assert rows_of(book["Results by SDG goal"]) == [
        ("4. Quality Education", 1, 1, 100),
        ("16. Peace, Justice and Strong Institutions", 1, 0, 0),
        ("Without an SDG target", 1, 1, 100),
    ]
    provinces = {row[0]: row for row in rows_of(book["Provinces"])}
    assert provinces["63"][10:] == (1, 3, 2, 67)
    assert provinces["33"][10:] == (0, 0, 0, None)


def test_province_xlsx_carries_only_its_own_results(results_world, bappeda_jateng):
    book = workbook(english(bappeda_jateng).get("/dashboard/report.xlsx?year=2026"))
    figures = dict(rows_of(book["Summary"]))
    assert figures["In the period: plans completed"] == 1
    assert figures["In the period: indicators verified"] == 2
    assert figures["In the period: share that reached its target (%)"] == 50
    assert rows_of(book["Results by sector"]) == [("Environment and forestry", 2, 1, 50)]
    assert [row[0] for row in rows_of(book["Results by SDG goal"])] == ["15. Life on Land"]


def test_a_period_without_results_says_so(results_world, ministry):
    book = workbook(english(ministry).get("/dashboard/report.xlsx?year=2024"))
    figures = dict(rows_of(book["Summary"]))
    assert figures["In the period: indicators verified"] == 0
    assert figures["In the period: share that reached its target (%)"] is None
    assert rows_of(book["Results by sector"]) == []
    html = english(ministry).get("/dashboard/report/?year=2024").content.decode()
    assert "No indicator was verified in the period." in html


def test_printable_report_shows_the_results_tables(results_world, bappeda_kalsel):
    response = english(bappeda_kalsel).get("/dashboard/report/?year=2026&quarter=2")
    html = response.content.decode()
    assert 'id="r-sectors"' in html and 'id="r-sdgs"' in html
    assert "Education" in html and "50%" in html  # Kalsel, Q2 in WITA: A and G, 2 of 4
    assert "Environment and forestry" not in html  # Jawa Tengah's plan is not counted
