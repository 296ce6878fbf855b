"""Access to outside programs (Chromium, bibtex, biber, pandoc, PostgreSQL) in tests.

On a laptop without a program the tests that need it skip with a reason; with
ATLAS_REQUIRE_EXTERNAL=1 (set by .ci/run) a missing program fails the run instead.
"""

import os
import shutil

import pytest

REQUIRE_EXTERNAL = os.environ.get("ATLAS_REQUIRE_EXTERNAL") == "1"


def unavailable(reason: str) -> None:
    """Skip the calling test, or fail it when outside programs are required."""
    if REQUIRE_EXTERNAL:
        pytest.fail(f"required outside program is missing: {reason}")
    pytest.skip(reason)


def program_path(name: str) -> str:
    """Return the path of an executable on PATH, or skip/fail the test."""
    path = shutil.which(name)
    if path is None:
        unavailable(f"{name} is not installed")
    return path
