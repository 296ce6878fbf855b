"""The garbage collector as the app servers set it up (config/collector.py)."""

import gc
import os
import subprocess
import sys
import weakref

import pytest
from django.conf import settings
from django.core.signals import request_finished, request_started

from config.collector import (
    YOUNG_THRESHOLD,
    CollectBetweenRequests,
    tune_for_requests,
)

URL = "/api/v1/taxonomy/"


class Cyclic:
    """An object that refers to itself: only the cyclic collector frees it."""

    def __init__(self) -> None:
        self.itself = self


@pytest.fixture
def quiet_collector(client):
    """Collections only when asked for (a young generation a request never
    fills), the thresholds put back afterwards."""
    client.get(URL)  # what a first request imports and caches
    thresholds = gc.get_threshold()
    gc.collect()
    gc.set_threshold(YOUNG_THRESHOLD)
    yield
    gc.set_threshold(*thresholds)


@pytest.fixture
def collector():
    """Connect a collector to request_started for one test."""
    connected = []

    def connect(receiver):
        request_started.connect(receiver, weak=False)
        connected.append(receiver)
        return receiver

    yield connect
    for receiver in connected:
        request_started.disconnect(receiver)


@pytest.fixture
def cycle_left_by_the_request():
    """A weak reference to a reference cycle made, and dropped, as the next
    request ends."""
    made = []

    def make(**kwargs):
        if not made:
            made.append(weakref.ref(Cyclic()))

    request_finished.connect(make, weak=False)
    yield made
    request_finished.disconnect(make)


@pytest.mark.django_db
def test_a_request_s_cycles_are_freed_when_the_next_one_starts(
    client, quiet_collector, collector, cycle_left_by_the_request
):
    collector(CollectBetweenRequests())
    assert client.get(URL).status_code == 200
    (made,) = cycle_left_by_the_request
    assert made() is not None  # nothing collected it on the way out
    assert client.get(URL).status_code == 200
    assert made() is None


@pytest.mark.django_db
def test_old_garbage_waits_for_the_full_collection_every_so_many_requests(
    client, quiet_collector, collector
):
    collector(CollectBetweenRequests(full_every=3))
    old = Cyclic()
    gc.collect()  # survives, into the oldest generation
    gone = weakref.ref(old)
    del old
    for _ in range(2):
        client.get(URL)
        assert gone() is not None
    client.get(URL)
    assert gone() is None


@pytest.mark.django_db
def test_tuning_freezes_start_up_and_collects_between_requests(
    client, quiet_collector, cycle_left_by_the_request
):
    thresholds = gc.get_threshold()
    try:
        tune_for_requests()
        assert gc.get_threshold()[0] == YOUNG_THRESHOLD
        assert gc.get_freeze_count() > 0
        client.get(URL)
        (made,) = cycle_left_by_the_request
        client.get(URL)
        assert made() is None
    finally:
        request_started.disconnect(dispatch_uid="collect_between_requests")
        gc.unfreeze()
        gc.set_threshold(*thresholds)


@pytest.mark.parametrize("entry_point", ["config.wsgi", "config.asgi"])
def test_the_app_server_entry_points_tune_the_collector(entry_point):
    code = (
        f"import gc, {entry_point}; "
        "from django.core.signals import request_started; "
        "print(gc.get_threshold()[0], gc.get_freeze_count() > 0, "
        "request_started.disconnect(dispatch_uid='collect_between_requests'))"
    )
    environment = {**os.environ, "DJANGO_SECRET_KEY": "x", "DJANGO_DEBUG": "1"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=environment,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == [str(YOUNG_THRESHOLD), "True", "True"]
