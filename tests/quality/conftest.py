import pytest


@pytest.fixture
def world(module_world, db, settings, tmp_path):
    """The module's world, its cached schedule dropped (rolled back with the last test),
    photos written to a temporary MEDIA_ROOT."""
    for cached in ("_schedule", "_orders"):
        module_world.__dict__.pop(cached, None)
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return module_world
