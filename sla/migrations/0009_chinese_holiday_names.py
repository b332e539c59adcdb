"""Holiday days loaded from chinesecalendar carried its English names ("Spring Festival"); the
tables name them in Chinese, as the State Council's notice does (春节, 清明节, …). A year whose
eight days of National Day are the combined 国庆节、中秋节 (2020, which the library names National
Day only) gets the combined name, so the year has all seven festivals."""

from django.db import migrations

CHINESE = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def rename(apps, schema_editor):
    HolidayDay = apps.get_model("sla", "HolidayDay")
    days = HolidayDay.objects.using(schema_editor.connection.alias)
    for english, chinese in CHINESE.items():
        days.filter(name=english).update(name=chinese)
    for year in {d.year for d in days.filter(name="国庆节").values_list("day", flat=True)}:
        of_year = days.filter(day__year=year)
        if (not of_year.filter(name__contains="中秋").exists()
                and of_year.filter(kind="closed", name="国庆节").count() >= 8):
            of_year.filter(name="国庆节").update(name="国庆节、中秋节")


class Migration(migrations.Migration):

    dependencies = [
        ("sla", "0008_kpi_indexes"),
    ]

    operations = [
        migrations.RunPython(rename, migrations.RunPython.noop),
    ]
