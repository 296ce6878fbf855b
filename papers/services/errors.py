"""Errors that the paper and taxonomy services raise besides ValidationError."""


class StaleVersion(Exception):
    """The object changed since the caller read it; nothing was written."""

    def __init__(self, *, expected: int, current: int | None) -> None:
        self.expected = expected
        self.current = current
        state = "was deleted" if current is None else f"is now at version {current}"
        super().__init__(
            f"This record changed since version {expected} was read: it {state}. "
            "Reload it and apply your change again."
        )
