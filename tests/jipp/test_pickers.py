"""The pickers: names found by prefix and by trigram, their endpoints, and the typed path."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from forums.forms import InstitutionInviteForm, OutcomeForm, PresentationForm, SessionForm
from innovations.models import Innovation
from jipp import names, pickers
from jipp.models import Institution, User
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def sipantau(make_innovation, make_institution) -> Innovation:
    balai = make_institution("Balai KPH Yogyakarta", "34")
    return make_innovation("SiPANTAU Karhutla", innovator=balai)


@pytest.fixture
def innovations(make_innovation, sipantau) -> dict[str, Innovation]:
    return {
        "sipantau": sipantau,
        "sipandu": make_innovation("Sipandu Beraksi"),
        "pantau": make_innovation("Pantau Sungai Karhutla"),
        "draft": make_innovation("SiPANTAU Karhutla Versi Baru", status="draft"),
        "submitted": make_innovation("Sipantau Rahasia", status="submitted"),
    }


def titles(text: str) -> list[str]:
    return [row.title for row in Innovation.objects.public().named_like(text)[:10]]


# Matching ---------------------------------------------------------------------------


def test_prefix_matches_come_first_whatever_the_case(innovations):
    found = titles("sipan")
    assert found[:2] == ["SiPANTAU Karhutla", "Sipandu Beraksi"]


def test_a_typo_is_forgiven_by_trigrams(innovations):
    assert titles("sipantau karhuta")[0] == "SiPANTAU Karhutla"


def test_a_typo_is_found_through_the_titles_words_not_a_trigram_scan_of_titles(
    innovations, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        found = titles("pantau sungai karhutal")
    assert found[0] == "Pantau Sungai Karhutla"
    assert not any('"innovations_innovation"."title") %>' in q["sql"] for q in queries)


def test_the_titles_words_follow_new_and_changed_titles(make_innovation):
    from innovations.models import TitleWord

    innovation = make_innovation("Kampung Mangrove Lestari")
    assert {"KAMPUNG", "MANGROVE", "LESTARI"} <= set(
        TitleWord.objects.values_list("word", flat=True)
    )
    innovation.title = "Kampung Bakau-Lestari 2025"
    innovation.save()
    assert {"BAKAU", "2025"} <= set(TitleWord.objects.values_list("word", flat=True))
    assert titles("bakau lestar") == ["Kampung Bakau-Lestari 2025"]


def test_a_text_without_a_word_like_it_finds_nothing_quickly(innovations):
    assert titles("zzqx wvvk") == []


def test_a_word_in_the_middle_is_found(innovations):
    assert set(titles("karhutla")) == {"SiPANTAU Karhutla", "Pantau Sungai Karhutla"}


def test_extra_spaces_are_ignored(innovations):
    assert titles("  SiPANTAU    karhutla ")[0] == "SiPANTAU Karhutla"


def test_non_public_innovations_are_never_found(innovations):
    found = titles("sipantau")
    assert "SiPANTAU Karhutla Versi Baru" not in found and "Sipantau Rahasia" not in found


def test_the_address_name_is_a_prefix_too(innovations):
    slug = innovations["pantau"].slug
    assert titles(slug)[0] == "Pantau Sungai Karhutla"


def test_results_are_bounded(make_innovation):
    for n in range(15):
        make_innovation(f"Lapor Cepat {n}")
    assert len(titles("lapor")) == names.LIMIT


@pytest.mark.parametrize("text", ["", "   ", "x" * 500, "\x00", "ñandú 🌱 “”", "%_\\", "'; drop"])
def test_odd_text_finds_nothing_and_breaks_nothing(innovations, text):
    assert isinstance(titles(text), list)


def test_institutions_are_scoped_by_the_queryset(make_institution):
    make_institution("Balai KPH Yogyakarta", "34")
    make_institution("Balai KPH Kalimantan Selatan", "63")
    in_diy = Institution.objects.filter(province__code="34")
    assert [row.name for row in in_diy.named_like("balai kph")] == ["Balai KPH Yogyakarta"]


# Resolving a typed name (the path without JavaScript) --------------------------------


def test_the_exact_title_resolves_in_any_case_and_spacing(innovations):
    assert pickers.resolve_innovation(" sipantau   KARHUTLA ") == innovations["sipantau"]


def test_the_address_name_and_a_pasted_address_resolve(innovations):
    slug = innovations["sipantau"].slug
    assert pickers.resolve_innovation(slug) == innovations["sipantau"]
    assert pickers.resolve_innovation(f"https://jipp.go.id/innovations/{slug}/").slug == slug


def test_a_miss_names_the_closest(innovations):
    with pytest.raises(ValidationError) as refused:
        pickers.resolve_innovation("sipantau karhuta")
    message = refused.value.messages[0]
    assert message.startswith("Not found. Did you mean: SiPANTAU Karhutla")
    assert "Versi Baru" not in message and "Rahasia" not in message


def test_a_non_public_title_is_not_found(innovations):
    with pytest.raises(ValidationError, match="Not found"):
        pickers.resolve_innovation("Sipantau Rahasia")


def test_a_miss_without_anything_close_says_so(innovations):
    with pytest.raises(ValidationError, match="nothing is named like"):
        pickers.resolve_innovation("qqqqqqqq")


def test_two_innovations_of_one_title_ask_for_the_address_name(make_innovation):
    first = make_innovation("Kembar")
    make_innovation("Kembar")
    with pytest.raises(ValidationError, match="address name"):
        pickers.resolve_innovation("kembar")
    assert pickers.resolve_innovation(first.slug) == first


def test_the_presentation_form_suggests_in_its_error_without_javascript(innovations):
    form = PresentationForm(data={"innovation": "sipantau karhuta"})
    assert not form.is_valid()
    assert form.errors["innovation"][0].startswith("Not found. Did you mean: SiPANTAU Karhutla")


def test_the_presentation_and_outcome_forms_resolve_the_typed_title(innovations):
    form = PresentationForm(data={"innovation": "SIPANTAU KARHUTLA"})
    assert form.is_valid() and form.cleaned_data["innovation"] == innovations["sipantau"]
    outcome = OutcomeForm(data={"innovation": "sipandu beraksi"})
    assert outcome.is_valid() and outcome.cleaned_data["innovation"] == innovations["sipandu"]


def test_the_invite_form_resolves_balai_kph_and_suggests_on_a_miss(make_institution):
    balai = make_institution("Balai KPH Yogyakarta", "34")
    form = InstitutionInviteForm(data={"institution": "balai  kph yogyakarta"})
    assert form.is_valid() and form.found_institution == balai
    missed = InstitutionInviteForm(data={"institution": "Balai KPH Yogya"})
    assert not missed.is_valid()
    assert "Did you mean: Balai KPH Yogyakarta" in missed.errors["institution"][0]


def test_the_invite_form_narrows_by_province(make_institution):
    make_institution("Balai KPH Yogyakarta", "34")
    form = InstitutionInviteForm(data={"institution": "Balai KPH Yogyakarta", "province": "63"})
    assert not form.is_valid() and "Not found" in form.errors["institution"][0]


@pytest.mark.parametrize("text", ["x" * 500, "\x00", "🌱" * 40])
def test_bad_text_is_a_clear_error(innovations, text):
    form = PresentationForm(data={"innovation": text})
    assert not form.is_valid() and form.errors["innovation"]


def test_the_widget_is_an_aria_combobox_driven_by_htmx():
    html = str(PresentationForm()["innovation"])
    for part in (
        'role="combobox"',
        'aria-expanded="false"',
        'aria-controls="presentation_innovation_listbox"',
        'aria-autocomplete="list"',
        'data-hx-get="/pick/innovations/"',
        'data-hx-trigger="input changed delay:250ms"',
        'id="presentation_innovation_listbox" role="listbox"',
        'role="status" aria-live="polite"',
    ):
        assert part in html, part


# The session form's defaults --------------------------------------------------------


def test_the_session_forms_defaults_save_at_the_first_try():
    form = SessionForm()
    # As a browser sends it: a select without a value sends its first option.
    data = {
        name: form[name].value() or next(iter(getattr(field, "choices", [("", "")])))[0]
        for name, field in form.fields.items()
    }
    data |= {
        "title": "FRIPP Nasional",
        "starts_at": "2030-05-01T09:00",
        "ends_at": "2030-05-01T12:00",
    }
    assert SessionForm(data=data).is_valid(), SessionForm(data=data).errors


def test_the_number_reads_as_an_example():
    html = str(SessionForm()["number"])
    assert 'placeholder="e.g. 6"' in html and "value=" not in html


# The endpoints ----------------------------------------------------------------------


def test_forum_staff_get_options_prefix_first(forum_admin, innovations):
    response = client_for(forum_admin).get("/pick/innovations/", {"q": "sipan"})
    page = response.content.decode()
    assert response.status_code == 200 and page.count('role="option"') == 2
    assert page.index("SiPANTAU Karhutla") < page.index("Sipandu Beraksi")
    assert 'data-value="SiPANTAU Karhutla"' in page and "Balai KPH Yogyakarta" in page
    assert "Versi Baru" not in page and "Rahasia" not in page


def test_a_typo_gets_options_too(ministry, innovations):
    page = client_for(ministry).get("/pick/innovations/", {"q": "sipantau karhuta"})
    assert "SiPANTAU Karhutla" in page.content.decode()


def test_two_of_one_title_are_chosen_by_address_name(forum_admin, make_innovation):
    first, second = make_innovation("Kembar"), make_innovation("Kembar")
    page = client_for(forum_admin).get("/pick/innovations/", {"q": "kembar"}).content.decode()
    assert f'data-value="{first.slug}"' in page and f'data-value="{second.slug}"' in page


@pytest.mark.parametrize("who", ["anon"])
def test_anonymous_visitors_are_sent_to_sign_in(persona, who):
    for url in ("/pick/innovations/", "/pick/institutions/"):
        response = client_for(persona(who)).get(url, {"q": "si"})
        assert response.status_code == 302 and "/accounts/login/" in response.url


def test_innovators_and_bappeda_may_not_pick_innovations(innovator_diy, bappeda_kalsel):
    assert client_for(innovator_diy).get("/pick/innovations/", {"q": "si"}).status_code == 403
    assert client_for(bappeda_kalsel).get("/pick/innovations/", {"q": "si"}).status_code == 403
    assert client_for(innovator_diy).get("/pick/institutions/", {"q": "si"}).status_code == 403


def test_a_bappeda_officer_picks_only_institutions_of_their_province(
    bappeda_kalsel, make_institution
):
    make_institution("Dinas Kehutanan Provinsi Kalimantan Selatan", "63")
    make_institution("Dinas Kehutanan Provinsi Jawa Tengah", "33")
    client = client_for(bappeda_kalsel)
    page = client.get("/pick/institutions/", {"q": "dinas kehutanan"}).content.decode()
    assert "Kalimantan Selatan" in page and "Jawa Tengah" not in page
    # Asking for another province does not widen it.
    other = client.get("/pick/institutions/", {"q": "dinas", "province": "33"}).content.decode()
    assert "Jawa Tengah" not in other and 'role="option"' not in other


def test_forum_staff_pick_any_institution_and_narrow_by_province(forum_admin, make_institution):
    make_institution("Balai KPH Yogyakarta", "34")
    make_institution("Balai KPH Kalimantan Selatan", "63")
    client = client_for(forum_admin)
    both = client.get("/pick/institutions/", {"q": "balai kph"}).content.decode()
    assert both.count('role="option"') == 2
    one = client.get("/pick/institutions/", {"q": "balai", "province": "34"}).content.decode()
    assert "Yogyakarta" in one and "Kalimantan" not in one


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"q": ""},
        {"q": "x" * 500},
        {"q": "\x00"},
        {"q": "ñandú 🌱"},
        {"q": "%"},
        {"kind": "?"},
        {"province": "\x00"},
        {"province": "\uff16\uff13"},  # 63 in full-width digits
    ],
)
def test_bad_input_never_fails(forum_admin, innovations, query):
    client = client_for(forum_admin)
    for url in ("/pick/innovations/", "/pick/institutions/"):
        response = client.get(url, query)
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"


def test_the_endpoints_answer_get_only(forum_admin):
    assert client_for(forum_admin).post("/pick/innovations/", {"q": "si"}).status_code == 405


def test_the_ministry_invites_an_innovator_of_a_typed_institution(
    ministry, make_institution, committed
):
    balai = make_institution("Balai KPH Yogyakarta", "34")
    data = {
        "email": "wahyu@kph.jogjaprov.go.id",
        "first_name": "Wahyu",
        "role": "innovator",
        "institution": "balai kph  yogyakarta",
    }
    with committed():
        response = client_for(ministry).post("/accounts/users/invite/", data)
    assert response.status_code == 302
    assert User.objects.get(email="wahyu@kph.jogjaprov.go.id").institution == balai
    missed = client_for(ministry).post(
        "/accounts/users/invite/", {**data, "email": "x@example.go.id", "institution": "Balai KPH"}
    )
    assert "Balai KPH Yogyakarta" in missed.context["form"].errors["institution"][0]
    assert not User.objects.filter(email="x@example.go.id").exists()


def test_the_suggestions_take_the_same_few_queries_however_many_match(
    forum_admin, make_innovation, django_assert_max_num_queries
):
    client = client_for(forum_admin)
    client.get("/pick/innovations/", {"q": "lapor"})  # the session and the user, read once
    for n in range(30):
        make_innovation(f"Lapor Cepat {n}")
    # The session, the user and its groups; three candidate queries and one to rank them.
    with django_assert_max_num_queries(8):
        page = client.get("/pick/innovations/", {"q": "lapor"}).content.decode()
    assert page.count('role="option"') == names.LIMIT
