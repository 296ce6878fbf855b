"""Python's cyclic garbage collector, set up for serving requests.

Rendering a page leaves reference cycles behind: Django's prefetch caches tie a
paper to its labels and each label back to the paper, a query set to its query,
a form to its fields, a response to its request. That is a few thousand objects
a page. With Python's default thresholds a collection runs every 700 new
objects, in the middle of a request, and moves whatever the request still holds
to an older generation. Once the request is over, those objects are garbage that
only a full collection frees: at 100,000 papers one ran every twenty-odd pages
and took 30-50 ms of the request that met it.

So the youngest generation here holds a request's worth of objects, and each
request starts by collecting the two young generations: what the request before
it left, now all garbage, young and cheap to free (well under a millisecond).
Nothing of a request grows old. What does (the caches, and what they replace
after a write) goes in a full collection at the start of every `full_every`-th
request. A request that makes more objects than YOUNG_THRESHOLD (an export, an
import) is still collected as it goes.

The collection waits for the next request, not the end of this one: when a
request's end is signalled (request_finished), the server still holds its
request and response, and collecting then would age them instead.
"""

import gc

from django.core.signals import request_started

#: Python's own thresholds, as this module found them (what a plain script runs
#: with; the benchmark times its baselines with them).
PYTHON_THRESHOLDS = gc.get_threshold()
#: New container objects before a collection runs on its own: more than a page
#: leaves behind (at 100,000 papers, 1,000-7,000; the map of a set, 11,000).
YOUNG_THRESHOLD = 50_000
#: Requests between two full collections.
FULL_EVERY = 1_000


class CollectBetweenRequests:
    """A request_started receiver: collects the young generations before each
    request, and every generation before every `full_every`-th."""

    def __init__(self, full_every: int = FULL_EVERY) -> None:
        self.full_every = full_every
        self.started = 0

    def __call__(self, **kwargs) -> None:
        self.started += 1
        gc.collect(2 if self.started % self.full_every == 0 else 1)


collect_between_requests = CollectBetweenRequests()


def tune_for_requests() -> None:
    """For an app server, once start-up has imported what it serves: what exists
    now leaves the collector's reach for good (gc.freeze), each request starts
    by collecting what the one before left, and the youngest generation grows
    to hold a request."""
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, *gc.get_threshold()[1:])
    request_started.connect(
        collect_between_requests, weak=False, dispatch_uid="collect_between_requests"
    )
