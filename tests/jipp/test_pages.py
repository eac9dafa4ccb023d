import pytest

pytestmark = pytest.mark.django_db


def test_home_says_what_the_registry_is_in_indonesian(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Inovasi" in response.content.decode() or "inovasi" in response.content.decode()
