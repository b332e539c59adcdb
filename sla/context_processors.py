from accounts.roles import Capability, can
from itsm.clock import now
from sla.models import HolidayYear


def holiday_banner(request):
    """From October, administrators are told when next year's holidays are not entered, because
    deadlines in that year are provisional until they are (S3)."""
    user = getattr(request, "user", None)
    if user is None or not can(user, Capability.ADMINISTER):
        return {}
    today = now().date()
    if today.month < 10:
        return {}
    year = today.year + 1
    if HolidayYear.objects.filter(region="CN", year=year).exists():
        return {}
    return {"missing_holiday_year": year}
