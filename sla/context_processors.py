from accounts.roles import Capability, can
from core.clock import now
from sla.holidays import china_years_covered, holiday_years_unentered


def holiday_banner(request):
    """Administrators are told when this year's holidays are not entered, and from October when
    next year's are not, because deadlines in such a year are provisional until it is (S3). The
    advice is what works for that year: ``load_holidays`` when chinesecalendar has it, else the
    entry page and ``holidays_enter``."""
    user = getattr(request, "user", None)
    if user is None or not can(user, Capability.ADMINISTER):
        return {}
    covered = china_years_covered()
    return {"missing_holiday_years": [
        {"year": year, "in_library": year in covered}
        for year in holiday_years_unentered(now().date())]}
