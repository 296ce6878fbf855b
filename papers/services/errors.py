"""Errors that the paper and taxonomy services raise besides ValidationError."""


class StaleVersion(Exception):
    """The object changed since the caller read it; nothing was written."""

    def __init__(self, *, expected: int, current: int | None) -> None:
        self.expected = expected
        self.current = current
        if current is None:
            text = f"This record changed since version {expected} was read: it was "
            text += "deleted. Reload it and apply your change again."
        elif expected > current:
            text = f"This record has no version {expected} yet: it is at version "
            text += f"{current}. Send the version you read."
        else:
            text = f"This record changed since version {expected} was read: it is "
            text += f"now at version {current}. Reload it and apply your change again."
        super().__init__(text)
