"""Python's cyclic garbage collector, set up for serving requests.

Rendering a page leaves reference cycles behind: Django's prefetch caches tie a
paper to its labels and each label back to the paper, a query set to its query,
a form to its fields. That is a few thousand objects a page. With Python's
default thresholds a collection runs every 700 new objects, in the middle of a
request, and moves whatever the request still holds to an older generation.
Once the request ends, those objects are garbage that only a full collection
frees: at 100,000 papers one ran every twenty-odd pages and took 30-50 ms of the
request that met it, while the young collections a request pays for stay far
under a millisecond.

So the youngest generation here holds a request's worth of objects, and each
finished request collects the two young generations, after the response is
sent (request_finished). The request's cycles are then young and cheap to
free, and none of them grows old. What does grow old (caches replaced after a
write) goes in a full collection after every `full_every` requests. A request
that makes more objects than that (an export, an import) is still collected as
it goes, every YOUNG_THRESHOLD objects.
"""

import gc

from django.core.signals import request_finished

#: New container objects before a collection runs on its own: more than a page
#: leaves at its end (at 100,000 papers, 1,000-7,000; the map of a set, 11,000).
YOUNG_THRESHOLD = 50_000
#: Finished requests between two full collections.
FULL_EVERY = 1_000


class CollectAfterRequests:
    """A request_finished receiver: collects the young generations after each
    request, and every generation after every `full_every`-th."""

    def __init__(self, full_every: int = FULL_EVERY) -> None:
        self.full_every = full_every
        self.finished = 0

    def __call__(self, **kwargs) -> None:
        self.finished += 1
        gc.collect(2 if self.finished % self.full_every == 0 else 1)


collect_after_requests = CollectAfterRequests()


def tune_for_requests() -> None:
    """For an app server, once start-up has imported what it serves: what exists
    now leaves the collector's reach for good (gc.freeze), requests are
    collected after they finish, and the youngest generation grows to hold a
    request."""
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, *gc.get_threshold()[1:])
    request_finished.connect(
        collect_after_requests, weak=False, dispatch_uid="collect_after_requests"
    )
