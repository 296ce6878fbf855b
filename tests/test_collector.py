"""The garbage collector as the app servers set it up (config/collector.py)."""

import gc
import os
import subprocess
import sys
import weakref

import pytest
from django.conf import settings
from django.core.signals import request_finished, request_started

from config.collector import YOUNG_THRESHOLD, CollectAfterRequests, tune_for_requests

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
def receivers():
    """Connect request_finished receivers for one test."""
    connected = []

    def connect(receiver):
        request_finished.connect(receiver, weak=False)
        connected.append(receiver)
        return receiver

    yield connect
    for receiver in connected:
        request_finished.disconnect(receiver)


@pytest.fixture
def cycle_made_by_the_request():
    """A weak reference to a reference cycle made, and dropped, while the
    next request is handled."""
    made = []

    def make(**kwargs):
        if not made:
            made.append(weakref.ref(Cyclic()))

    request_started.connect(make, weak=False)
    yield made
    request_started.disconnect(make)


@pytest.mark.django_db
def test_a_request_s_cycles_are_freed_when_it_finishes(
    client, quiet_collector, receivers, cycle_made_by_the_request
):
    assert client.get(URL).status_code == 200
    (without,) = cycle_made_by_the_request
    assert without() is not None  # left to a later collection
    gc.collect()
    cycle_made_by_the_request.clear()

    receivers(CollectAfterRequests())
    assert client.get(URL).status_code == 200
    (made,) = cycle_made_by_the_request
    assert made() is None


@pytest.mark.django_db
def test_old_garbage_waits_for_the_full_collection_every_so_many_requests(
    client, quiet_collector, receivers
):
    receivers(CollectAfterRequests(full_every=3))
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
def test_tuning_freezes_start_up_and_collects_after_each_request(
    client, cycle_made_by_the_request
):
    thresholds = gc.get_threshold()
    try:
        tune_for_requests()
        assert gc.get_threshold()[0] == YOUNG_THRESHOLD
        assert gc.get_freeze_count() > 0
        client.get(URL)
        (made,) = cycle_made_by_the_request
        assert made() is None
    finally:
        request_finished.disconnect(dispatch_uid="collect_after_requests")
        gc.unfreeze()
        gc.set_threshold(*thresholds)


@pytest.mark.parametrize("entry_point", ["config.wsgi", "config.asgi"])
def test_the_app_server_entry_points_tune_the_collector(entry_point):
    code = (
        f"import gc, {entry_point}; "
        "from django.core.signals import request_finished; "
        "print(gc.get_threshold()[0], gc.get_freeze_count() > 0, "
        "request_finished.disconnect(dispatch_uid='collect_after_requests'))"
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
