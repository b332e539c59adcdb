"""FastSelect renders the characters Django's select templates render."""

from django import forms

from core.widgets import FastSelect


class Choices(forms.Form):
    plain = forms.ChoiceField(choices=[("", "—"), ("a", "A & B"), (3, 'say "hi"')])
    grouped = forms.ChoiceField(choices=[("", "none"), ("群组 <1>", [("x", "X"), ("y", "Y")]),
                                         ("z", "Z")])
    several = forms.MultipleChoiceField(choices=[("1", "one"), ("2", "two"), ("3", "three")])


class FastSelectMultiple(FastSelect, forms.SelectMultiple):
    pass


# Django's widget → the fast one, per field.
WIDGETS = {"plain": (forms.Select, FastSelect), "grouped": (forms.Select, FastSelect),
           "several": (forms.SelectMultiple, FastSelectMultiple)}


def _both(widget_attrs: dict, data: dict | None = None):
    """The form rendered with Django's Select widgets and with FastSelect."""
    rendered = []
    for fast in (False, True):
        form = Choices(data)
        for name, field in form.fields.items():
            field.widget = WIDGETS[name][fast](attrs=widget_attrs, choices=field.choices)
        rendered.append([str(form[name]) for name in form.fields])
    return rendered


def test_it_renders_what_django_renders():
    django, fast = _both({"class": "form-select", "data-x": "<&>", "required": True,
                          "disabled": False})
    assert fast == django
    assert "<option" in fast[0] and "&lt;&amp;&gt;" in fast[0]


def test_it_marks_the_chosen_options_as_django_does():
    data = {"plain": "3", "grouped": "y", "several": ["1", "3"]}
    django, fast = _both({}, data)
    assert fast == django
    assert 'value="3" selected' in fast[0] and 'value="y" selected' in fast[1]
    assert fast[2].count(" selected") == 2


def test_it_keeps_django_rendering_for_another_option_template():
    class Custom(FastSelect):
        option_template_name = "django/forms/widgets/input_option.html"

    html = Custom(choices=[("a", "A")]).render("f", "a")
    assert 'type="' in html  # input_option.html's markup, not FastSelect's
