"""The open-data API shows readiness and the approved kit, nothing else of it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.throttling import AnonRateThrottle

from innovations import kit_services
from innovations.kit import KitKind

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _setup(settings: Any, tmp_path: Any, monkeypatch: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(AnonRateThrottle, "get_rate", lambda self: None)


@pytest.fixture
def rimba(make_innovation: Any, innovator_diy: Any, ministry: Any) -> Any:
    innovation = make_innovation(
        "Sahabat Rimba", innovator=innovator_diy.institution, contact_email="kph@jogjaprov.go.id"
    )
    for kind in (KitKind.SOP, KitKind.REGULATION, KitKind.BUDGET):
        document = kit_services.add_kit_document(
            innovation=innovation,
            by=innovator_diy,
            kind=kind,
            title=f"Dokumen {kind}",
            file=SimpleUploadedFile(f"{kind}.pdf", PDF),
        )
        kit_services.decide_kit_document(document=document, by=ministry, decision="approve")
    kit_services.add_kit_document(
        innovation=innovation,
        by=innovator_diy,
        kind=KitKind.MEDIA,
        title="Video menunggu",
        url="https://video.example.go.id/1",
    )
    link = kit_services.add_kit_document(
        innovation=innovation,
        by=innovator_diy,
        kind=KitKind.MEDIA,
        title="Video kegiatan",
        url="https://video.example.go.id/2",
    )
    kit_services.decide_kit_document(document=link, by=ministry, decision="approve")
    innovation.refresh_from_db()
    return innovation


def test_the_detail_lists_the_approved_documents_only(client: Any, rimba: Any) -> None:
    body = client.get(f"/api/innovations/{rimba.slug}/").json()
    assert body["kit_complete"] is True
    titles = [document["title"] for document in body["kit"]]
    assert "Video menunggu" not in titles
    assert sorted(titles) == sorted(
        ["Dokumen sop", "Dokumen regulation", "Dokumen budget", "Video kegiatan"]
    )
    sop = next(d for d in body["kit"] if d["kind"] == "sop")
    assert sop["url"].startswith("http://testserver/innovations/kit/")
    assert sop["url"].endswith("/download/")
    assert (sop["size"], sop["content_type"], sop["is_link"], sop["language"]) == (
        len(PDF),
        "application/pdf",
        False,
        "id",
    )
    video = next(d for d in body["kit"] if d["kind"] == "media")
    assert video == {
        "kind": "media",
        "title": "Video kegiatan",
        "language": "id",
        "url": "https://video.example.go.id/2",
        "is_link": True,
        "size": None,
        "content_type": "",
    }
    assert client.get(sop["url"]).status_code == 200
    assert "uploaded_by" not in str(body) and "wahyu" not in str(body)


def test_the_list_says_which_are_ready_and_filters_on_it(
    client: Any, rimba: Any, make_innovation: Any
) -> None:
    make_innovation("Belum siap")
    everything = client.get("/api/innovations/").json()["results"]
    assert {row["title"]: row["kit_complete"] for row in everything} == {
        "Sahabat Rimba": True,
        "Belum siap": False,
    }
    ready = client.get("/api/innovations/?kit=complete").json()["results"]
    assert [row["title"] for row in ready] == ["Sahabat Rimba"]
    assert client.get("/api/innovations/?kit=nonsense").status_code == 400


def test_the_detail_reads_in_a_constant_number_of_queries(
    client: Any, rimba: Any, innovator_diy: Any, ministry: Any, django_assert_max_num_queries: Any
) -> None:
    client.get(f"/api/innovations/{rimba.slug}/")
    for n in range(5):
        document = kit_services.add_kit_document(
            innovation=rimba,
            by=innovator_diy,
            kind=KitKind.TRAINING,
            title=f"Modul {n}",
            url=f"https://a.go.id/{n}",
        )
        kit_services.decide_kit_document(document=document, by=ministry, decision="approve")
    with django_assert_max_num_queries(6):
        assert client.get(f"/api/innovations/{rimba.slug}/").status_code == 200
