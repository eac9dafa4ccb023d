"""Evidence goes through Django's storage API only, so another backend works unchanged.

Deployments on several machines keep files in an S3-compatible store (FILE_STORAGE=s3,
django-storages); here the second backend is Django's in-memory storage, which shares
nothing with the local disk: if any code opened a path on disk, these tests would fail.
"""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage

from replication import stage_services
from replication.models import Evidence
from tests.conftest import client_for
from tests.replication.conftest import PDF, finish, pdf, stage


@pytest.fixture(autouse=True)
def _in_memory_storage(settings, tmp_path) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "never-used"


def test_upload_download_and_removal_go_through_the_configured_storage(
    approved_plan, bappeda_kalsel, settings, committed
):
    officer = client_for(bappeda_kalsel)
    stage_services.start_stage(stage=stage(approved_plan), by=bappeda_kalsel)
    url = f"/replication/plans/{approved_plan.pk}/stages/identification/complete/"
    response = officer.post(url, {"note": "Selesai.", "files": [pdf()]})
    assert response.status_code == 302

    evidence = Evidence.objects.get()
    assert type(default_storage._wrapped).__name__ == "InMemoryStorage"
    assert default_storage.exists(str(evidence.file.name))
    assert not settings.MEDIA_ROOT.exists()  # nothing touched the local disk

    download = officer.get(f"/replication/evidence/{evidence.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF

    # A done stage keeps one file: add the replacement, then remove the first.
    stage_services.add_evidence(
        stage=stage(approved_plan), by=bappeda_kalsel, files=[pdf("foto.pdf")]
    )
    name = str(evidence.file.name)
    with committed():
        stage_services.remove_evidence(evidence=evidence, by=bappeda_kalsel)
    assert not default_storage.exists(name)
    assert default_storage.exists(str(Evidence.objects.get().file.name))


def test_a_verified_stage_keeps_its_files_in_the_configured_storage(
    approved_plan, bappeda_kalsel, ministry
):
    finish(approved_plan, "identification", bappeda_kalsel, verify_by=ministry)
    evidence = Evidence.objects.get()
    assert default_storage.open(str(evidence.file.name)).read() == PDF
