"""Forms of the scorecard pages: the twelve ratings of a scorecard and a contract's scheme."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kpi.models import ScorecardScheme
from kpi.models.scorecards import RATING_ITEMS

OBJECTIVE_WEIGHTS = ["w_volume", "w_on_time", "w_satisfaction", "w_reopen", "w_complaints"]
RATING_WEIGHTS = ["w_attitude", "w_timeliness", "w_ability", "w_etiquette"]


class RatingForm(forms.Form):
    """A score (0–100, empty: not rated) and a short note per sub-item, and a comment."""

    comment = forms.CharField(label=gettext_lazy("Manager's comment"), required=False,
                              max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, card=None, **kwargs):
        initial = kwargs.pop("initial", None) or {}
        if card is not None:
            for rating in card.ratings.all():
                initial[f"score_{rating.item}"] = rating.score
                initial[f"note_{rating.item}"] = rating.note
            initial["comment"] = card.manager_comment
        super().__init__(*args, initial=initial, **kwargs)
        for _dim, _dim_label, items in RATING_ITEMS:
            for code, label in items:
                self.fields[f"score_{code}"] = forms.IntegerField(
                    label=label, required=False, min_value=0, max_value=100,
                    widget=forms.NumberInput(attrs={"class": "form-control", "min": 0,
                                                    "max": 100, "step": 1,
                                                    "inputmode": "numeric"}))
                self.fields[f"note_{code}"] = forms.CharField(
                    label=_("Note"), required=False, max_length=200,
                    widget=forms.TextInput(attrs={
                        "class": "form-control", "placeholder": _("Note (optional)"),
                        "aria-label": _("Note on %(item)s") % {"item": label}}))
        self.fields["comment"].widget.attrs["class"] = "form-control"

    def dimensions(self):
        """For the template: each dimension with its sub-items' bound fields."""
        return [{"code": dim, "label": label,
                 "items": [{"code": code, "score": self[f"score_{code}"],
                            "note": self[f"note_{code}"]} for code, _l in items]}
                for dim, label, items in RATING_ITEMS]

    def scores(self) -> dict:
        return {code: self.cleaned_data.get(f"score_{code}")
                for _d, _l, items in RATING_ITEMS for code, _lbl in items}

    def notes(self) -> dict:
        return {code: self.cleaned_data.get(f"note_{code}") or ""
                for _d, _l, items in RATING_ITEMS for code, _lbl in items}


class SchemeForm(forms.ModelForm):
    class Meta:
        model = ScorecardScheme
        fields = ["objective_weight", *OBJECTIVE_WEIGHTS, "volume_target", "reopen_penalty",
                  "complaint_penalty", *RATING_WEIGHTS, "pass_mark"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.update({"class": "form-control", "min": 0})
            if name in (*OBJECTIVE_WEIGHTS, *RATING_WEIGHTS, "objective_weight", "pass_mark"):
                field.widget.attrs["max"] = 100
                field.max_value = 100

    def clean_volume_target(self):
        value = self.cleaned_data["volume_target"]
        if not value:
            raise forms.ValidationError(_("At least one ticket."))
        return value

    def clean(self):
        data = super().clean()
        for group, message in ((OBJECTIVE_WEIGHTS, _("The objective weights must add up to "
                                                     "100 (now %(sum)s).")),
                               (RATING_WEIGHTS, _("The rating weights must add up to 100 "
                                                  "(now %(sum)s)."))):
            values = [data.get(name) for name in group]
            if any(v is None for v in values):
                continue
            total = sum(values)
            if total != 100:
                for name in group:
                    self.add_error(name, message % {"sum": total})
        return data

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
