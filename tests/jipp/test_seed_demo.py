"""The demo story: the cast of DOMAIN.md, loaded once however often it runs."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from jipp.models import Institution, User

pytestmark = pytest.mark.django_db

DEMO_USERS = {
    "kemenpan": "ministry",
    "bappeda.kalsel": "bappeda",
    "bappeda.jateng": "bappeda",
    "forum.admin": "forum_admin",
    "inovator.diy": "innovator",
}


def snapshot():
    return (
        sorted(Institution.objects.values_list("name", "province__code", "parent__name")),
        sorted(User.objects.values_list("username", "password", "province__code")),
    )


def test_seed_demo_creates_every_demo_user_who_can_sign_in(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    for username, role in DEMO_USERS.items():
        user = User.objects.get(username=username)
        assert user.is_active and user.check_password(settings.DEMO_PASSWORD), username
        assert user.has_role(role), username
    kalsel = User.objects.get(username="bappeda.kalsel").province
    jateng = User.objects.get(username="bappeda.jateng").province
    assert kalsel and kalsel.name == "Kalimantan Selatan"
    assert jateng and jateng.code == "33"
    assert User.objects.get(username="admin").is_superuser
    assert Institution.objects.filter(province__code="63").count() >= 4


def test_running_seed_demo_twice_changes_nothing(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    before = snapshot()
    call_command("seed_demo")
    assert snapshot() == before


def test_seed_demo_refuses_with_debug_off_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo")
    assert not User.objects.filter(username="kemenpan").exists()
    call_command("seed_demo", force=True)
    assert User.objects.filter(username="kemenpan").exists()


def test_demo_institutions_with_an_address_have_its_domain(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    bappeda = Institution.objects.get(name="Bappeda Provinsi Kalimantan Selatan")
    assert bappeda.email_domain == "kalselprov.go.id"
    assert Institution.objects.get(name="Kementerian Keuangan").email_domain == ""
