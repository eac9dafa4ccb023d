"""Generated input on every form and every query string of the portal (hypothesis).

The URLs and who may use them come from the access matrix: for each URL, the first
persona that may GET it (or POST to it) sends generated data: the field names of the
page's own form with values of every kind (text, numbers, dates, huge, binary, files),
plus names the form does not have. Never a server error; and a form answered again
(200, not a redirect) has saved nothing: every state change writes an audit event or a
notification, so neither count may move.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jipp import invariants
from jipp.models import AuditEvent, Notification
from tests.conftest import PERSONAS, client_for
from tests.test_access_matrix import ROWS, _api_unthrottled, context  # noqa: F401

FIELD = re.compile(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"[^>]*>', re.I)
FILE_FIELD = re.compile(r'<input\b[^>]*\btype="file"[^>]*\bname="([^"]+)"', re.I)
SKIP_FIELDS = {"csrfmiddlewaretoken"}

# Dates and numbers at and past the edges, and digits of other scripts (Python's int()
# reads Arabic-Indic and full-width digits as ours): besides the generated examples,
# each goes into every field and parameter of every form and page at once.
ODD_VALUES = [
    "9999-12",
    "0000-01",
    "2020-13",
    "2020-00",
    "9999-12-31",
    "0001-01-01",
    "0000-00-00",
    "2020-02-30",
    "9999-12-31T23:59",
    "0001-01-01T00:00",
    "\u0661\u0662",  # 12 in Arabic-Indic digits
    "\uff11\uff12",  # 12 in full-width digits
    "\u0662\u0660\u0662\u0660-\u0661\u0662",
    "\uff12\uff10\uff12\uff10-\uff11\uff12-\uff10\uff11",
    "99999999999999999999",
    "1e309",
    "NaN",
]
text_values = st.one_of(
    st.sampled_from(ODD_VALUES),
    st.text(max_size=80),
    st.integers(min_value=-(2**63), max_value=2**63).map(str),
    st.dates().map(str),
    st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M")),
    st.sampled_from(["", "63", "0", "-1", "approve", "none", "on", "2020-10-27", "x" * 6000]),
    st.binary(max_size=40).map(lambda b: b.decode("latin-1")),
)
uploads = st.builds(
    lambda name, content: SimpleUploadedFile(name, content),
    st.sampled_from(["laporan.pdf", "foto.png", "x.html.png", "data.csv", "kosong.pdf", "a"]),
    st.binary(max_size=200),
)


def first(codes: dict[str, int], allowed: set[int]) -> str | None:
    return next((who for who in PERSONAS if codes.get(who) in allowed), None)


GET_CASES = sorted(
    name for name, row in ROWS.items() if first(row.get, {200}) and "api" not in name
)
POST_CASES = sorted(name for name, row in ROWS.items() if first(row.post, {200, 302}))


def form_fields(client, url: str) -> tuple[list[str], list[str]]:
    page = client.get(url)
    html = ""
    if page.status_code == 200 and not page.streaming and "html" in page["Content-Type"]:
        html = page.content.decode(errors="replace")
    files = sorted(set(FILE_FIELD.findall(html)))
    names = sorted(set(FIELD.findall(html)) - SKIP_FIELDS - set(files))
    return names, files


FUZZ = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.django_db
@pytest.mark.parametrize("name", POST_CASES)
def test_no_posted_data_breaks_a_form_or_saves_from_an_invalid_one(name, persona, context):  # noqa: F811
    row = ROWS[name]
    who = first(row.post, {200, 302})
    for other in PERSONAS:
        persona(other)
    client = client_for(persona(who))
    url = row.url(context)
    names, files = form_fields(client, url)

    @FUZZ
    @given(
        data=st.dictionaries(
            st.sampled_from([*names, "x", "version"]) if names else st.just("x"),
            st.one_of(text_values, st.lists(text_values, max_size=3)),
            max_size=max(len(names) + 1, 2),
        ),
        attached=st.dictionaries(st.sampled_from(files or ["files"]), uploads, max_size=2),
    )
    def post(data, attached):
        send(data, attached)

    def send(data, attached):
        events, notifications = AuditEvent.objects.count(), Notification.objects.count()
        payload = {**data, **(attached if files else {})}
        response = client.post(url, payload)
        assert response.status_code < 500, f"{name}: {response.status_code} for {data}"
        if response.status_code == 200:
            assert AuditEvent.objects.count() == events, f"{name} saved from an invalid form"
            assert Notification.objects.count() == notifications, name

    for value in ODD_VALUES:
        send(dict.fromkeys(names or ["x"], value), {})
    post()
    # Whatever the accepted posts changed, the database keeps its promises (check_data).
    assert invariants.run() == [], name


@pytest.mark.django_db
@pytest.mark.parametrize("name", GET_CASES)
def test_no_query_string_breaks_a_page(name, persona, context):  # noqa: F811
    row = ROWS[name]
    client = client_for(persona(first(row.get, {200})))
    url = row.url(context)
    names, _ = form_fields(client, url)
    separator = "&" if "?" in url else "?"

    @FUZZ
    @given(
        params=st.dictionaries(
            st.sampled_from([*names, "page", "cursor", "sort", "year", "month", "view", "q", "x"]),
            text_values,
            max_size=4,
        )
    )
    def get(params):
        response = client.get(url + separator + urlencode(params))
        assert response.status_code < 500, f"{name}: {response.status_code} for {params}"

    for value in ODD_VALUES:
        every = dict.fromkeys([*names, "page", "cursor", "year", "month"], value)
        response = client.get(url + separator + urlencode({**every, "view": "month"}))
        assert response.status_code < 500, f"{name}: {response.status_code} for {value!r}"
    get()


REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")


@pytest.mark.django_db
def test_no_request_id_reaches_the_response_unless_it_looks_like_one():
    from django.test import Client

    client = Client()

    @FUZZ
    @given(given_id=st.one_of(text_values, st.text(alphabet="abc-_.:/=+ <>\"'\r\n\t", max_size=90)))
    def request(given_id):
        answered = client.get("/healthz", HTTP_X_REQUEST_ID=given_id)["X-Request-ID"]
        assert REQUEST_ID.fullmatch(answered), repr(answered)
        assert answered == given_id or not REQUEST_ID.fullmatch(given_id)

    request()


@pytest.mark.django_db
def test_no_address_makes_the_account_request_or_reset_answer_differ(persona, settings):
    """Known, pending and unknown addresses, in any case: one answer each form."""
    from django.core.cache import cache
    from django.test import Client

    from jipp.models import Province

    ministry = persona("ministry")
    known = [ministry.email, persona("bappeda_kalsel").email]
    province = Province.objects.get(code="63").pk

    @FUZZ
    @given(
        email=st.one_of(
            st.sampled_from(known).map(str.upper),
            st.sampled_from(known),
            st.emails().map(lambda e: e[:200]),
        )
    )
    def ask(email):
        cache.clear()  # the throttles are tested elsewhere
        data = {
            "institution_name": "Dinas Uji",
            "institution_kind": "other",
            "province": province,
            "contact_name": "Uji",
            "contact_email": email,
            "position": "Staf",
        }
        asked = Client().post("/accounts/request/", data)
        if asked.status_code == 200:  # an address the form itself cannot take
            assert "contact_email" in asked.context["form"].errors
        else:
            assert (asked.status_code, asked["Location"]) == (302, "/accounts/request/sent/")
        reset = Client().post("/accounts/password_reset/", {"email": email})
        if reset.status_code == 200:
            assert "email" in reset.context["form"].errors
        else:
            assert (reset.status_code, reset["Location"]) == (302, "/accounts/password_reset/done/")

    ask()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["evaluation", "institutionalization"])
def test_no_posted_results_break_a_results_stage_or_save_from_an_invalid_form(
    kind, bappeda_kalsel, ministry, make_innovation, make_institution, settings, tmp_path
):
    """The evaluation's values and the legal basis: names from the page, values of every kind."""
    from datetime import date, timedelta

    from replication import services, stage_services
    from replication.models import STAGE_ORDER, Stage
    from tests.conftest import indicator_rows
    from tests.replication.conftest import pdf, results_for

    settings.MEDIA_ROOT = tmp_path / "media"
    adopter = make_institution("Dinas Pendidikan Provinsi Kalimantan Selatan", "63")
    data = {
        "innovation": make_innovation("Mencerdaskan Si Miskin Menjadi Generasi Emas"),
        "adopter": adopter,
        "start_date": date.today() - timedelta(days=90),
        "target_end_date": date.today() + timedelta(days=300),
        "budget_source": "apbd",
    }
    plan = services.file_plan(by=bappeda_kalsel, data=data, indicators=indicator_rows(2))
    services.submit_plan(plan=plan, by=bappeda_kalsel)
    services.approve_plan(plan=plan, by=ministry)
    for earlier in STAGE_ORDER[: STAGE_ORDER.index(kind) + 1]:
        stage = Stage.objects.select_related("plan__province").get(plan=plan, kind=earlier)
        stage_services.start_stage(stage=stage, by=bappeda_kalsel)
        if earlier != kind:
            stage_services.complete_stage(
                stage=stage,
                by=bappeda_kalsel,
                note="Selesai.",
                evidence_files=[pdf()],
                results=results_for(plan, earlier),
            )
    client = client_for(bappeda_kalsel)
    page = client.get(plan.get_absolute_url()).content.decode()
    form = page[page.index(f'id="stage-{kind}"') :]
    form = form[: form.index("</form>")]
    names = sorted(set(FIELD.findall(form)) - SKIP_FIELDS - {"files"})
    assert any(name.startswith(("achieved_", "legal_basis_")) for name in names), names
    url = f"/replication/plans/{plan.pk}/stages/{kind}/complete/"

    def send(data, attached):
        events, notifications = AuditEvent.objects.count(), Notification.objects.count()
        response = client.post(url, {**data, **attached})
        assert response.status_code < 500, f"{kind}: {response.status_code} for {data}"
        if response.status_code == 200:
            assert AuditEvent.objects.count() == events, f"{kind} saved from an invalid form"
            assert Notification.objects.count() == notifications, kind

    @FUZZ
    @given(
        data=st.dictionaries(
            st.sampled_from([*names, "x"]),
            st.one_of(text_values, st.lists(text_values, max_size=3)),
            max_size=len(names) + 1,
        ),
        attached=st.dictionaries(st.just("files"), uploads, max_size=1),
    )
    def post(data, attached):
        send(data, attached)

    for value in ODD_VALUES:
        send(dict.fromkeys(names, value), {})
    post()
    assert invariants.run() == [], kind
