"""Security events recorded from signals (connected in AccountsConfig.ready()).

Logins, failures and logouts come from Django's auth signals, lockouts from django-axes; role,
group, permission and password changes from the User model's signals, whoever makes them (a
service, the admin, a management command); admin edits from the admin's LogEntry. The request,
when there is one, is the one simple_history's middleware keeps for the thread.
"""

from __future__ import annotations

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver
from simple_history.models import HistoricalRecords

from accounts.models import SecurityEvent, User
from accounts.security import axes_username, record_security_event

Kind = SecurityEvent.Kind


def _current_request():
    return getattr(HistoricalRecords.context, "request", None)


@receiver(user_logged_in, dispatch_uid="security-login")
def on_logged_in(sender, request, user, **kwargs):
    record_security_event(Kind.LOGIN, request=request, actor=user)


@receiver(user_login_failed, dispatch_uid="security-login-failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    # Runs after axes' receiver (connected first), which has counted this failure.
    username = axes_username(request, credentials) if request is not None else (
        (credentials or {}).get("username") or "")
    details = {}
    if request is not None:
        details = {"path": request.path[:200],
                   "failures": getattr(request, "axes_failures_since_start", None),
                   "locked": bool(getattr(request, "axes_locked_out", False))}
    record_security_event(Kind.LOGIN_FAILED, request=request, username=username, details=details)


@receiver(user_locked_out, dispatch_uid="security-lockout")
def on_locked_out(sender, request, username, ip_address, **kwargs):
    # axes signals a lockout on every refused attempt; the event marks the one that locked.
    failures = getattr(request, "axes_failures_since_start", None)
    if failures is not None and failures > settings.LOGIN_FAILURE_LIMIT:
        return
    record_security_event(Kind.LOCKOUT, request=request, username=username or "",
                          details={"failures": failures})


@receiver(user_logged_out, dispatch_uid="security-logout")
def on_logged_out(sender, request, user, **kwargs):
    if user is not None:
        record_security_event(Kind.LOGOUT, request=request, actor=user)


@receiver(pre_save, sender=User, dispatch_uid="security-user-pre-save")
def remember_role(sender, instance, update_fields=None, raw=False, **kwargs):
    instance._security_old_role = None
    instance._security_password_changed = False
    if raw or instance.pk is None:
        return
    # Django keeps the raw password on the instance from set_password() until save(): that is a
    # password change (a rehash on login clears it first, so that is not one).
    instance._security_password_changed = getattr(instance, "_password", None) is not None
    if update_fields is None or "role" in update_fields:
        instance._security_old_role = (
            User.objects.filter(pk=instance.pk).values_list("role", flat=True).first()
        )


@receiver(post_save, sender=User, dispatch_uid="security-user-post-save")
def record_user_changes(sender, instance, created, raw=False, **kwargs):
    if raw or created:
        return
    request = _current_request()
    old_role = getattr(instance, "_security_old_role", None)
    if old_role is not None and old_role != instance.role:
        record_security_event(Kind.ROLE_CHANGED, request=request, target=_person(instance),
                              details={"from": old_role, "to": instance.role,
                                       "user_id": instance.pk})
    if getattr(instance, "_security_password_changed", False):
        record_security_event(Kind.PASSWORD_CHANGED, request=request, target=_person(instance),
                              details={"user_id": instance.pk})
    instance._security_old_role = None
    instance._security_password_changed = False


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="security-user-groups")
def record_group_change(sender, instance, action, reverse, model, pk_set, **kwargs):
    _record_m2m(instance, action, reverse, model, pk_set, "groups")


@receiver(m2m_changed, sender=User.user_permissions.through,
          dispatch_uid="security-user-permissions")
def record_permission_change(sender, instance, action, reverse, model, pk_set, **kwargs):
    _record_m2m(instance, action, reverse, model, pk_set, "permissions")


def _record_m2m(instance, action, reverse, model, pk_set, what: str) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    change = action.removeprefix("post_")
    if reverse:  # group.user_set.add(...) / permission.user_set.remove(...)
        target = f"{what} {instance}"
        details = {"change": change, what: [str(instance)], "user_ids": sorted(pk_set or [])}
    else:
        names = ([str(obj) for obj in model.objects.filter(pk__in=pk_set)] if pk_set else [])
        target = _person(instance)
        details = {"change": change, what: sorted(names), "user_id": instance.pk}
    record_security_event(Kind.PERMISSION_CHANGED, request=_current_request(), target=target,
                          details=details)


_ADMIN_ACTIONS = {ADDITION: "added", CHANGE: "changed", DELETION: "deleted"}


@receiver(post_save, sender=LogEntry, dispatch_uid="security-admin-edit")
def record_admin_edit(sender, instance, created, raw=False, **kwargs):
    if raw or not created:
        return
    content_type = instance.content_type
    model = f"{content_type.app_label}.{content_type.model}" if content_type else ""
    record_security_event(
        Kind.ADMIN_EDIT, request=_current_request(), actor=instance.user,
        target=f"{model} {instance.object_repr}"[:255],
        details={"action": _ADMIN_ACTIONS.get(instance.action_flag, str(instance.action_flag)),
                 "model": model, "object_id": instance.object_id,
                 "message": instance.get_change_message()},
    )


def _person(user) -> str:
    return f"person {user.get_username()}"
