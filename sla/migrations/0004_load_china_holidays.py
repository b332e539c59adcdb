"""Enter China's official holidays and make-up working days from chinesecalendar, for every year
the installed version covers from 2020 on (`manage.py load_holidays` enters later years)."""

from django.db import migrations


def load(apps, schema_editor):
    from sla.holidays import load_china_holidays_into

    load_china_holidays_into(apps.get_model("sla", "HolidayDay"),
                             apps.get_model("sla", "HolidayYear"),
                             using=schema_editor.connection.alias)


class Migration(migrations.Migration):

    dependencies = [
        ("sla", "0003_holidays"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
