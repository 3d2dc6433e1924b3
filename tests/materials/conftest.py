import pytest


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Certificate files go to a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
