"""The installation's own state: the worker's heartbeat and whether the demo is loaded."""

from django.db import transaction

from core.clock import now
from core.models import SystemState


def heartbeat_record() -> SystemState:
    """Note that the worker ran a beat-scheduled task; /healthz and the admin home show it."""
    with transaction.atomic():
        state, _created = SystemState.objects.select_for_update().get_or_create(
            key=SystemState.HEARTBEAT, defaults={"value": {"count": 0}}
        )
        state.value = {"count": int(state.value.get("count", 0)) + 1, "at": now().isoformat()}
        state.save(update_fields=["value", "updated_at"])
    return state


def beat_heartbeat_record() -> SystemState:
    """Note that beat published its heartbeat; told apart from the worker's, a stale one says
    which of the two stopped."""
    state, _created = SystemState.objects.update_or_create(
        key=SystemState.BEAT_HEARTBEAT, defaults={"value": {"at": now().isoformat()}})
    return state


def demo_mark_loaded() -> None:
    SystemState.objects.update_or_create(
        key=SystemState.DEMO_LOADED, defaults={"value": {"at": now().isoformat()}}
    )


def demo_is_loaded() -> bool:
    return SystemState.objects.filter(key=SystemState.DEMO_LOADED).exists()


__all__ = ["heartbeat_record", "beat_heartbeat_record", "demo_mark_loaded", "demo_is_loaded"]
