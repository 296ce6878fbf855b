"""The survey with its literature map built, as after `manage.py build_map`."""

import pytest

from maps.services import map_build


@pytest.fixture
def built(survey):
    """The survey's citation key, after building the map's metrics."""
    return map_build()
