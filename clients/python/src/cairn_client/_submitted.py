"""What ``submit`` returns: the run id, and whether the request id named an earlier run."""

from __future__ import annotations


class Submitted(str):
    """The id of the submitted run, with ``existing`` telling whether it was created now.

    It is the run id itself (a ``str``), so code that passes the result of ``submit`` on to
    ``watch`` or ``wait`` keeps working; ``run_id`` names it explicitly. ``existing`` is
    True when the ``request_id`` matched an earlier submit and no new run was created.
    """

    existing: bool

    def __new__(cls, run_id: str, existing: bool = False) -> "Submitted":
        submitted = super().__new__(cls, run_id)
        submitted.existing = existing
        return submitted

    @property
    def run_id(self) -> str:
        """The run id as a plain ``str``."""
        return str.__str__(self)

    def __repr__(self) -> str:
        return f"Submitted(run_id={self.run_id!r}, existing={self.existing!r})"

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (Submitted, (self.run_id, self.existing))
