"""The harness's named errors: what failed while preparing or running one instance (recorded, the run goes on)."""

from __future__ import annotations


class HarnessError(Exception):
    """One instance could not be evaluated or solved for a reason of the harness (not of the patch)."""


class SetupError(HarnessError):
    """The instance's setup script (checkout, install) failed inside the sandbox."""


class CheckoutError(HarnessError):
    """A git step that makes the instance's checkout from its mirror failed."""
