import pytest

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def print_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PDF_RENDER_PROCESSES = 1
    settings.TASKS = IMMEDIATE
