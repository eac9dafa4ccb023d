"""Importing vetted innovations (such as the KIPP Top innovations) from a CSV or XLSX file.

A dry run, or any problem, saves nothing; a real run saves every row. See docs/import/."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from innovations import similarity
from innovations.models import (
    SDG,
    Category,
    Innovation,
    InnovationStatus,
    KippRecognition,
    Phase,
)
from innovations.services import unique_slug
from jipp.models import Institution, InstitutionKind, Province, User
from jipp.services import record_event

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 5000
TEXTS = ["summary", "problem", "solution", "results", "replication_requirements"]
# Each field and its Indonesian header name; either is accepted, in any case.
COLUMNS: dict[str, str] = dict(
    re.findall(
        r"(\w+)/(\w+)",
        """title/judul innovator/instansi institution_kind/jenis_instansi
    province/provinsi category/kategori sdgs/tpb phase/fase launched_year/tahun
    summary/ringkasan problem/masalah solution/solusi results/hasil
    replication_requirements/kebutuhan_replikasi contact_email/email_kontak website/situs
    kipp_recognition/penghargaan_kipp kipp_year/tahun_kipp""",
    )
)
REQUIRED = ["title", "innovator", "province", "category", "phase", "launched_year", *TEXTS]
PHASES = {value: value for value in Phase.values} | {
    "penciptaan": Phase.CREATION,
    "pengembangan": Phase.DEVELOPMENT,
    "pelembagaan": Phase.INSTITUTIONALIZATION,
}
KIPP = {v: v for v in KippRecognition.values} | {"": "none", "-": "none", "tidakada": "none"}
KIPP["outstandingachievement"] = "outstanding"
SAVED = [*TEXTS, "province", "category", "phase", "launched_year", "contact_email", "website"]
SAVED += ["kipp_recognition", "kipp_year"]
CENTRAL = {InstitutionKind.MINISTRY, InstitutionKind.AGENCY, InstitutionKind.SOE}


class ImportFileError(Exception):
    """The file as a whole cannot be read: nothing of it is checked row by row."""


@dataclass
class ImportResult:
    dry_run: bool
    rows: int = 0
    problems: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    new_institutions: list[str] = field(default_factory=list)
    saved: bool = False


def _cell(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def read_table(data: bytes) -> list[list[str]]:
    """The rows of the first sheet of an XLSX file, or of a UTF-8 CSV file (`,` or `;`)."""
    if len(data) > MAX_BYTES:
        raise ImportFileError(_("The file is larger than 10 MB."))
    if data.startswith(b"PK\x03\x04"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            rows = [
                [_cell(v) for v in row] for row in book.worksheets[0].iter_rows(values_only=True)
            ]
            book.close()
        except Exception as error:  # openpyxl raises many kinds on a damaged file
            raise ImportFileError(_("The file is not a readable XLSX spreadsheet.")) from error
        return rows
    text = data.decode("utf-8-sig", errors="replace")
    if "\ufffd" in text or "\x00" in text:  # binary, or not UTF-8
        raise ImportFileError(_("The file is neither an XLSX spreadsheet nor a CSV file in UTF-8."))
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    try:
        return [
            [c.strip() for c in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)
        ]
    except csv.Error as error:
        raise ImportFileError(
            _("The CSV file cannot be read: %(error)s") % {"error": error}
        ) from error


def _columns(header: list[str]) -> dict[str, int]:
    names = {**{name: name for name in COLUMNS}, **{alias: name for name, alias in COLUMNS.items()}}
    found: dict[str, int] = {}
    for index, title in enumerate(header):
        key = re.sub(r"[\s\-]+", "_", title.strip().lower())
        if key in names and names[key] not in found:
            found[names[key]] = index
    missing = [name for name in REQUIRED if name not in found]
    if missing:
        raise ImportFileError(
            _("Columns missing from the header row: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    return found


class _Lookups:
    """Every reference the rows may name, read once."""

    def __init__(self) -> None:
        self.provinces: dict[str, Province] = {}
        for p in Province.objects.all():
            self.provinces |= {p.code: p, p.name.lower(): p, f"provinsi {p.name.lower()}": p}
        self.categories: dict[str, Category] = {}
        for c in Category.objects.all():
            self.categories |= {c.slug: c, c.name_id.lower(): c, c.name_en.lower(): c}
        self.sdgs = {sdg.number: sdg for sdg in SDG.objects.all()}
        self.kinds = {k: k for k in InstitutionKind.values}
        for language in ("en", "id"):
            with translation.override(language):
                self.kinds |= {str(label).lower(): k for k, label in InstitutionKind.choices}
        self.institutions: dict[tuple[str, int | None], Institution] = {}
        self.innovations: dict[tuple[int, str], Innovation] = {}

    def load_existing(self, names: set[str]) -> None:
        found = Institution.objects.annotate(lname=Lower("name")).filter(lname__in=names)
        for institution in found.order_by("-id"):  # the oldest wins a case-only tie
            self.institutions[(institution.name.lower(), institution.province_id)] = institution
        for innovation in Innovation.objects.filter(innovator__in=list(found)):
            self.innovations[(innovation.innovator_id, innovation.title.lower())] = innovation


def _key(values: dict[str, Any]) -> tuple[str, int | None]:
    """An institution as rows name it: its name in any case, within its province."""
    return (values["innovator"].lower(), values["province"].pk if values["province"] else None)


def _check_row(
    n: int, row: dict[str, str], refs: _Lookups, labels: dict[str, str]
) -> tuple[dict[str, Any], list[str]]:
    """The row's values resolved, and its problems in plain words."""
    problems: list[str] = []
    values: dict[str, Any] = {name: row.get(name, "") for name in COLUMNS}

    def problem(text: str, **params: Any) -> None:
        problems.append(_("Row %(row)s: ") % {"row": n} + text % params)

    def resolve(name: str, table: dict[Any, Any], message: str, required: bool = True) -> None:
        text = values[name]
        key = re.sub(r"\s+", "" if name == "kipp_recognition" else " ", text.lower())
        values[name] = table.get(key) if text or name == "kipp_recognition" else None
        if (text or required) and values[name] is None:
            problem(message, value=text)

    for name in ["title", "innovator", *TEXTS]:
        if not values[name]:
            problem(_("the column '%(column)s' is empty."), column=labels[name])
    if len(values["title"]) > 200 or len(values["innovator"]) > 200:
        problem(_("the title and the institution are at most 200 characters."))
    resolve("province", refs.provinces, _("province '%(value)s' is not known."), False)
    resolve("category", refs.categories, _("category '%(value)s' is not known."))
    resolve("phase", PHASES, _("phase '%(value)s' is not known."))
    resolve("institution_kind", refs.kinds, _("institution kind '%(value)s' is not known."), False)
    resolve("kipp_recognition", KIPP, _("KIPP recognition '%(value)s' is not known."))
    years = {str(year): year for year in range(1990, 2101)}
    resolve("launched_year", years, _("year '%(value)s' is not a year from 1990 to 2100."))
    resolve("kipp_year", years, _("KIPP year '%(value)s' is not a year from 1990 to 2100."), False)
    if values["kipp_recognition"] not in {None, "none"} and not values["kipp_year"]:
        problem(_("a KIPP recognition needs its KIPP year."))
    numbers = [part for part in re.split(r"[\s,;]+", values["sdgs"]) if part]
    bad = [p for p in numbers if not p.isdigit() or int(p) not in refs.sdgs]
    if bad:
        problem(_("SDG '%(value)s' is not a goal from 1 to 17."), value=", ".join(bad))
    values["sdgs"] = [refs.sdgs[int(p)] for p in numbers if p not in bad]
    if values["contact_email"]:
        try:
            validate_email(values["contact_email"])
        except ValidationError:
            problem(_("e-mail '%(value)s' is not valid."), value=values["contact_email"])
    if values["website"]:
        text = values["website"]
        values["website"] = text if "://" in text else f"https://{text}"
        try:
            URLValidator()(values["website"])
        except ValidationError:
            problem(_("website '%(value)s' is not valid."), value=text)
    if not problems and _key(values) not in refs.institutions:
        if not values["institution_kind"]:
            problem(_("institution '%(value)s' is new: give its kind."), value=values["innovator"])
        elif values["province"] is None and values["institution_kind"] not in CENTRAL:
            problem(_("a regional institution needs its province."))
    return values, problems


def _unique_slug(model: type[Institution] | type[Innovation], text: str) -> str:
    return unique_slug(text, model)


def _save(rows: list[dict[str, Any]], refs: _Lookups, by: User) -> None:
    now = timezone.now()
    saved: list[int] = []
    for values in rows:
        key = _key(values)
        institution = refs.institutions.get(key)
        if institution is None:
            institution = Institution(name=values["innovator"], kind=values["institution_kind"])
            institution.province = values["province"]
            institution.slug = _unique_slug(Institution, institution.name)
            institution.save()
            refs.institutions[key] = institution
        innovation = refs.innovations.get((institution.pk, values["title"].lower()))
        before = innovation.status if innovation else ""
        if innovation is None:
            innovation = Innovation(innovator=institution, created_by=by)
            innovation.slug = _unique_slug(Innovation, values["title"])
        for name in ["title", *SAVED]:
            setattr(innovation, name, values[name])
        innovation.status = InnovationStatus.APPROVED
        innovation.approved_at = innovation.approved_at or now
        innovation.reviewed_at = innovation.reviewed_at or now
        innovation.save()
        innovation.sdgs.set(values["sdgs"])
        record_event(
            actor=by,
            action="innovation_imported",
            target=innovation,
            from_status=before,
            to_status=InnovationStatus.APPROVED,
        )
        saved.append(innovation.pk)
    similarity.queue_refresh_many(saved)


def run_import(*, file: IO[bytes], by: User, dry_run: bool = True) -> ImportResult:
    """Check every row; save them all (real run, no problem) or nothing. Raises ImportFileError."""
    table = read_table(file.read(MAX_BYTES + 1))
    columns = _columns(table[0] if table else [])
    labels = {name: table[0][i].strip() for name, i in columns.items()}
    body = [(n, row) for n, row in enumerate(table[1:], start=2) if any(row)]
    if len(body) > MAX_ROWS:
        raise ImportFileError(_("The file has more than 5,000 rows: split it."))
    result = ImportResult(dry_run=dry_run, rows=len(body))
    raw = [
        (n, {name: row[i] if i < len(row) else "" for name, i in columns.items()})
        for n, row in body
    ]
    refs = _Lookups()
    refs.load_existing({row["innovator"].lower() for _n, row in raw})
    checked: list[dict[str, Any]] = []
    seen: dict[tuple[str, int | None, str], int] = {}
    new: dict[tuple[str, int | None], str] = {}
    for n, row in raw:
        values, problems = _check_row(n, row, refs, labels)
        twin = (*_key(values), values["title"].lower())
        if twin in seen and values["title"]:
            problems.append(
                _("Row %(row)s: the same innovation as row %(other)s.")
                % {"row": n, "other": seen[twin]}
            )
        seen.setdefault(twin, n)
        result.problems.extend(problems)
        checked.append(values)
        institution = refs.institutions.get(twin[:2])
        existing = institution and refs.innovations.get((institution.pk, twin[2]))
        (result.updated if existing else result.created).append(values["title"])
        if institution is None:
            new.setdefault(twin[:2], values["innovator"])
    result.new_institutions = list(new.values())
    if dry_run or result.problems:
        return result
    with transaction.atomic():
        _save(checked, refs, by)
    result.saved = True
    return result
