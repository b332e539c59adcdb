"""Inspection rounds (巡检): generation, recording and reports. (Being built.)"""


def rounds_generate(*, today=None) -> int:
    """Create the rounds due; idempotent. Returns how many were created."""
    return 0
