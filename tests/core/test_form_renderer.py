"""core/form_renderer.py renders the characters Django's widget templates render (issue 19)."""

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from core.form_renderer import BUILDERS, FastWidgetRenderer

CHOICES = [("", "—"), ("a", "A & B"), (3, 'say "hi"'), ("lazy", gettext_lazy("Status"))]
GROUPED = [("", "none"), ("群组 <1>", [("x", "X"), ("y", "Y")]), ("z", mark_safe("<b>Z</b>"))]
ATTRS = {"class": "form-control", "data-x": "<&>\"'", "required": True, "disabled": False,
         "maxlength": 20, "placeholder": mark_safe("<i>safe</i>")}


class Everything(forms.Form):
    text = forms.CharField(widget=forms.TextInput(attrs=ATTRS))
    number = forms.IntegerField(widget=forms.NumberInput(attrs={"min": 0, "step": 1}))
    email = forms.EmailField()
    url = forms.URLField(assume_scheme="https")
    password = forms.CharField(widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(widget=forms.HiddenInput)
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    when = forms.DateTimeField()
    time = forms.TimeField()
    checkbox = forms.BooleanField(required=False)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2, **ATTRS}))
    choice = forms.ChoiceField(choices=CHOICES, widget=forms.Select(attrs=ATTRS))
    grouped = forms.ChoiceField(choices=GROUPED)
    several = forms.MultipleChoiceField(choices=[("1", "one"), ("2", "two"), ("3", "三")])
    yes_no = forms.NullBooleanField()
    upload = forms.FileField(required=False)
    search = forms.CharField(widget=forms.TextInput(attrs={"type": "search"}))


DATA = [
    None,  # unbound: initial values (none)
    {"text": "<script>x</script> & \"q\"", "number": "42", "email": "a@b.cn",
     "url": "https://x.cn/?a=1&b=2", "password": "s3<cr>t", "hidden": "", "date": "2026-12-07",
     "when": "2026-12-07 10:00", "time": "09:30", "checkbox": "on",
     "note": "第一行\n<第二行> & 'q'", "choice": "3", "grouped": "y", "several": ["1", "3"],
     "yes_no": "true", "search": "卡纸"},
    {"text": "", "number": "", "note": "", "choice": "", "checkbox": ""},
]


def _rendered(renderer, data, initial=None):
    form = Everything(data, initial=initial, renderer=renderer)
    return {name: str(form[name]) for name in form.fields}


@pytest.mark.parametrize("data", DATA)
def test_every_served_widget_renders_what_django_renders(data):
    assert _rendered(FastWidgetRenderer(), data) == _rendered(DjangoTemplates(), data)


def test_the_served_widgets_load_no_template(monkeypatch):
    renderer = FastWidgetRenderer()
    renderer._built  # noqa: B018 - works out once which templates are Django's own
    loaded = []
    real = DjangoTemplates.get_template
    monkeypatch.setattr(DjangoTemplates, "get_template",
                        lambda self, name: loaded.append(name) or real(self, name))
    rendered = _rendered(renderer, DATA[1])
    # Only the file input, which has its own template (clearable_file_input.html).
    assert loaded == ["django/forms/widgets/clearable_file_input.html"]
    assert "<textarea" in rendered["note"]


def test_initial_values_of_every_type_render_alike():
    initial = {"number": 0, "date": datetime.date(2026, 1, 31), "checkbox": True,
               "note": "初始 <值>", "choice": 3, "several": ["2"], "hidden": 7}
    fast = _rendered(FastWidgetRenderer(), None, initial)
    assert fast == _rendered(DjangoTemplates(), None, initial)
    assert 'value="0"' in fast["number"] and "checked" in fast["checkbox"]


def test_the_form_uses_the_fast_renderer_and_serves_the_common_widgets(settings):
    assert settings.FORM_RENDERER == "core.form_renderer.FastWidgetRenderer"
    served = FastWidgetRenderer()._built
    for name in ("input", "text", "hidden", "checkbox", "textarea", "select"):
        assert f"django/forms/widgets/{name}.html" in served
    assert set(served) == set(BUILDERS)  # no app overrides them here


def test_other_option_markup_and_other_templates_are_left_to_django():
    class Radios(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    fast, django = FastWidgetRenderer(), DjangoTemplates()
    for widget in (Radios(choices=CHOICES), forms.RadioSelect(choices=CHOICES),
                   forms.CheckboxSelectMultiple(choices=CHOICES), forms.ClearableFileInput()):
        assert widget.render("f", "a", renderer=fast) == widget.render("f", "a", renderer=django)
    assert 'type="' in Radios(choices=CHOICES).render("f", "a", renderer=fast)


def test_an_overridden_widget_template_is_rendered_from_the_override(monkeypatch):
    renderer = FastWidgetRenderer()
    monkeypatch.setattr(renderer, "_is_djangos", lambda name: not name.endswith("text.html"))
    assert "django/forms/widgets/text.html" not in renderer._built
    assert "django/forms/widgets/textarea.html" in renderer._built
