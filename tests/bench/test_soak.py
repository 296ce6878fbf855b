"""The soak's request mix, its memory reading and its markdown section (the
soak itself needs gunicorn and wrk: python -m bench.soak)."""

import os
from urllib.parse import urlsplit

import pytest
from django.urls import resolve

from bench.soak import MIX, render_soak, request_mix, rss_kib

RESULT = {
    "status": "ok",
    "requests_per_s": 412.5,
    "p50_ms": 61.2,
    "p75_ms": 80.0,
    "p90_ms": 120.4,
    "p99_ms": 350.0,
    "requests": 24_750,
    "errors": 3,
    "seconds": 60,
    "connections": 32,
    "workers": 2,
    "mix": MIX,
    "distinct_paths": 251,
    "rss_start_kib": [102_400, 104_448],
    "rss_end_kib": [104_448, 106_496],
    "rss_growth_max": 0.02,
    "rss_growth_ok": True,
}


@pytest.mark.django_db
def test_request_mix_has_every_kind_of_request_on_real_rows(survey):
    paths = request_mix(size=400, seed=3)
    assert len(paths) == 400
    assert all(resolve(urlsplit(p).path).url_name for p in paths)
    searches = [p for p in paths if "?q=" in p]
    exports = [p for p in paths if "format=" in p]
    details = [p for p in paths if p.count("/") == 5 and "?" not in p]
    assert 0.1 < len(searches) / 400 < 0.3
    assert 0.05 < len(exports) / 400 < 0.25
    assert 0.2 < len(details) / 400 < 0.4
    assert request_mix(size=400, seed=3) == paths


@pytest.mark.django_db
def test_every_path_of_the_mix_answers(client, survey):
    for path in set(request_mix(size=120, seed=5)):
        response = client.get(path)
        assert response.status_code == 200, path


def test_rss_of_this_process_is_read_from_proc():
    assert rss_kib(os.getpid()) > 1000


def test_render_soak_reports_throughput_latency_errors_and_memory():
    text = render_soak(RESULT)
    assert text.startswith("## Load soak")
    assert "| 412.5 | 61.2 ms | 80.0 ms | 120.4 ms | 350.0 ms | 24,750 | 3 |" in text
    assert "100 -> 102 MiB; 102 -> 104 MiB" in text
    assert "largest growth 2.0% (goal < 10%: kept)" in text
    grown = render_soak({**RESULT, "rss_growth_max": 0.25, "rss_growth_ok": False})
    assert "**missed**" in grown
    assert "skipped: wrk" in render_soak({"status": "skipped", "note": "wrk"})
