"""``{{ calendar|service_hours }}``: a service calendar's hours in words in the page's language,
with how holidays count and the time zone when it is not the portal's own."""

from django import template
from django.conf import settings
from django.utils.translation import get_language, gettext

from sla.calendar import HoursError, parse_hours
from sla.hours_text import describe_hours
from sla.models import ServiceCalendar

register = template.Library()


@register.filter
def service_hours(calendar: ServiceCalendar) -> str:
    """周一至周六 09:00–21:00，法定节假日休息，调休上班日照常 / Mon–Sat 09:00–21:00; closed on
    statutory holidays, open on make-up working days; plus （Europe/Berlin 时间） when the
    calendar's zone is not settings.TIME_ZONE."""
    chinese = (get_language() or settings.LANGUAGE_CODE).lower().startswith("zh")
    try:
        hours = parse_hours(calendar.hours)
    except HoursError:  # the model validates it; an old row shows as written rather than a 500
        hours = None
    parts = [describe_hours(hours, "zh" if chinese else "en") if hours else calendar.hours]
    if calendar.holidays == ServiceCalendar.Holidays.CN and hours and not hours.always_open:
        parts.append(gettext("closed on statutory holidays, open on make-up working days"))
    text = ("，" if chinese else "; ").join(parts)
    if calendar.time_zone and calendar.time_zone != settings.TIME_ZONE:
        zone = gettext("%(zone)s time") % {"zone": calendar.time_zone}
        text += f"（{zone}）" if chinese else f" ({zone})"
    return text
