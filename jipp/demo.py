"""The demo story's cast: the institutions and people of DOMAIN.md's October 2020 news item.

Idempotent: it looks everything up by its natural key and creates only what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.text import slugify

from jipp.models import Institution, InstitutionKind, Province, Role, User


@dataclass(frozen=True)
class DemoInstitution:
    name: str
    kind: str
    province: str | None = None  # Kemendagri code
    parent: str | None = None
    email: str = ""


INSTITUTIONS = [
    DemoInstitution(
        "Kementerian Pendayagunaan Aparatur Negara dan Reformasi Birokrasi",
        InstitutionKind.MINISTRY,
        email="pelayananpublik@menpan.go.id",
    ),
    DemoInstitution("Kementerian Keuangan", InstitutionKind.MINISTRY),
    DemoInstitution(
        "Direktorat Jenderal Perbendaharaan",
        InstitutionKind.MINISTRY,
        parent="Kementerian Keuangan",
        email="omspan@kemenkeu.go.id",
    ),
    DemoInstitution("Pemerintah Daerah DIY", InstitutionKind.PROVINCE_GOV, "34"),
    DemoInstitution(
        "Balai Kesatuan Pengelolaan Hutan Yogyakarta",
        InstitutionKind.PROVINCE_GOV,
        "34",
        parent="Pemerintah Daerah DIY",
        email="kphyogyakarta@jogjaprov.go.id",
    ),
    DemoInstitution("Pemerintah Provinsi Jawa Tengah", InstitutionKind.PROVINCE_GOV, "33"),
    DemoInstitution(
        "Rumah Sakit Jiwa Daerah Provinsi Jawa Tengah",
        InstitutionKind.PROVINCE_GOV,
        "33",
        parent="Pemerintah Provinsi Jawa Tengah",
    ),
    DemoInstitution(
        "Bappeda Provinsi Jawa Tengah",
        InstitutionKind.PROVINCE_GOV,
        "33",
        parent="Pemerintah Provinsi Jawa Tengah",
        email="bappeda@jatengprov.go.id",
    ),
    DemoInstitution(
        "Dinas Lingkungan Hidup dan Kehutanan Provinsi Jawa Tengah",
        InstitutionKind.PROVINCE_GOV,
        "33",
        parent="Pemerintah Provinsi Jawa Tengah",
    ),
    DemoInstitution(
        "Dinas Kesehatan Provinsi Jawa Tengah",
        InstitutionKind.PROVINCE_GOV,
        "33",
        parent="Pemerintah Provinsi Jawa Tengah",
    ),
    DemoInstitution("Pemerintah Provinsi Bali", InstitutionKind.PROVINCE_GOV, "51"),
    DemoInstitution(
        "Dinas Sosial Provinsi Bali",
        InstitutionKind.PROVINCE_GOV,
        "51",
        parent="Pemerintah Provinsi Bali",
    ),
    DemoInstitution("Pemerintah Provinsi Kalimantan Selatan", InstitutionKind.PROVINCE_GOV, "63"),
    DemoInstitution(
        "Bappeda Provinsi Kalimantan Selatan",
        InstitutionKind.PROVINCE_GOV,
        "63",
        parent="Pemerintah Provinsi Kalimantan Selatan",
        email="bappeda@kalselprov.go.id",
    ),
    DemoInstitution(
        "Dinas Kehutanan Provinsi Kalimantan Selatan",
        InstitutionKind.PROVINCE_GOV,
        "63",
        parent="Pemerintah Provinsi Kalimantan Selatan",
    ),
    DemoInstitution(
        "Dinas Pendidikan dan Kebudayaan Provinsi Kalimantan Selatan",
        InstitutionKind.PROVINCE_GOV,
        "63",
        parent="Pemerintah Provinsi Kalimantan Selatan",
    ),
    DemoInstitution(
        "Dinas Sosial Provinsi Kalimantan Selatan",
        InstitutionKind.PROVINCE_GOV,
        "63",
        parent="Pemerintah Provinsi Kalimantan Selatan",
    ),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str | None
    institution: str
    province: str | None = None


USERS = [
    DemoUser(
        "kemenpan",
        "Ratna",
        "Wulandari",
        Role.MINISTRY,
        "Kementerian Pendayagunaan Aparatur Negara dan Reformasi Birokrasi",
    ),
    DemoUser(
        "bappeda.kalsel",
        "Ahmad",
        "Rifani",
        Role.BAPPEDA,
        "Bappeda Provinsi Kalimantan Selatan",
        "63",
    ),
    DemoUser(
        "bappeda.jateng", "Sri", "Handayani", Role.BAPPEDA, "Bappeda Provinsi Jawa Tengah", "33"
    ),
    DemoUser(
        "forum.admin",
        "Dimas",
        "Prasetyo",
        Role.FORUM_ADMIN,
        "Kementerian Pendayagunaan Aparatur Negara dan Reformasi Birokrasi",
    ),
    DemoUser(
        "inovator.diy",
        "Wahyu",
        "Nugroho",
        Role.INNOVATOR,
        "Balai Kesatuan Pengelolaan Hutan Yogyakarta",
    ),
    DemoUser(
        "admin",
        "Admin",
        "Sistem",
        None,
        "Kementerian Pendayagunaan Aparatur Negara dan Reformasi Birokrasi",
    ),
]


def institution(name: str) -> Institution:
    return Institution.objects.get(name=name)


@transaction.atomic
def seed() -> list[str]:
    """Create the cast; return the usernames that were new."""
    provinces = {p.code: p for p in Province.objects.all()}
    for item in INSTITUTIONS:
        domain = item.email.rsplit("@", 1)[-1] if item.email else ""
        made, _new = Institution.objects.get_or_create(
            name=item.name,
            province=provinces.get(item.province) if item.province else None,
            defaults={
                "slug": slugify(item.name)[:200],
                "kind": item.kind,
                "parent": institution(item.parent) if item.parent else None,
                "email": item.email,
                "email_domain": domain,
            },
        )
        if domain and not made.email_domain:  # a database seeded before the field existed
            Institution.objects.filter(pk=made.pk).update(email_domain=domain)
    created = []
    for person in USERS:
        user, new = User.objects.get_or_create(
            username=person.username,
            defaults={
                "first_name": person.first_name,
                "last_name": person.last_name,
                "email": f"{person.username}@demo.jipp.go.id",
                "institution": institution(person.institution),
                "province": provinces.get(person.province) if person.province else None,
                "is_staff": person.role is None,
                "is_superuser": person.role is None,
            },
        )
        if new:
            user.set_password(settings.DEMO_PASSWORD)
            user.save(update_fields=["password"])
            created.append(user.username)
        if person.role:
            user.groups.add(Group.objects.get(name=person.role))
    return created
