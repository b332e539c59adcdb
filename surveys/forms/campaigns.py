"""Forms for campaigns, their questions, the respondent page and the analysis filter."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from accounts.roles import CLIENT_ROLES, Role
from core.forms import BootstrapForm
from sla.selectors import contracts_visible_to
from surveys.models import Question


class CampaignForm(BootstrapForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    intro = forms.CharField(label=_("Introduction"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))
    contracts = forms.ModelMultipleChoiceField(label=_("Contracts"), queryset=None,
                                               widget=forms.CheckboxSelectMultiple)
    departments = forms.ModelMultipleChoiceField(
        label=_("Only these departments"), queryset=None, required=False,
        help_text=_("Leave empty to ask every department."),
        widget=forms.SelectMultiple(attrs={"size": 6}))
    roles = forms.MultipleChoiceField(
        label=_("Only these roles"), required=False,
        choices=[(r.value, r.label) for r in Role if r in CLIENT_ROLES],
        help_text=_("Leave empty to ask every client person."),
        widget=forms.CheckboxSelectMultiple)
    anonymous = forms.BooleanField(label=_("Anonymous answers"), required=False)
    opens_on = forms.DateField(label=_("Opens on"), widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(label=_("Closes on"),
                                widget=forms.DateInput(attrs={"type": "date"}))
    remind_every_days = forms.IntegerField(
        label=_("Remind every (days)"), min_value=0, max_value=90, initial=7,
        help_text=_("0: no reminders."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        contracts = contracts_visible_to(user).order_by("code")
        self.fields["contracts"].queryset = contracts
        self.fields["departments"].queryset = (
            Department.objects.filter(organisation__in=contracts.values("client_id"))
            .select_related("organisation").order_by("organisation__name", "name"))
        for name in ("contracts", "roles"):
            self.fields[name].widget.attrs.pop("class", None)

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("The campaign cannot close before it opens."))
        contracts, departments = data.get("contracts"), data.get("departments")
        if contracts is not None and departments:
            clients = {c.client_id for c in contracts}
            if any(d.organisation_id not in clients for d in departments):
                self.add_error("departments",
                               _("Choose departments of the chosen contracts' clients."))
        return data

    @classmethod
    def initial_of(cls, campaign) -> dict:
        return {"title": campaign.title, "intro": campaign.intro,
                "contracts": list(campaign.contracts.all()),
                "departments": list(campaign.departments.all()), "roles": campaign.roles,
                "anonymous": campaign.anonymous, "opens_on": campaign.opens_on,
                "closes_on": campaign.closes_on,
                "remind_every_days": campaign.remind_every_days}


class QuestionForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Question.Kind.choices)
    text = forms.CharField(label=_("Question"), max_length=500)
    choices = forms.CharField(
        label=_("Choices"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Single and multiple choice: one choice per line."))
    required = forms.BooleanField(label=_("Required"), required=False, initial=True)

    def clean(self):
        data = super().clean()
        lines = [line.strip() for line in (data.get("choices") or "").splitlines()
                 if line.strip()]
        data["choice_list"] = lines
        if data.get("kind") in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
            if len(lines) < 2:
                self.add_error("choices", _("Give at least two choices, one per line."))
            elif len(set(lines)) != len(lines):
                self.add_error("choices", _("The choices must differ from each other."))
            elif any(len(line) > 200 for line in lines):
                self.add_error("choices", _("Keep each choice under 200 characters."))
        return data

    @classmethod
    def initial_of(cls, question) -> dict:
        return {"kind": question.kind, "text": question.text,
                "choices": "\n".join(question.choices), "required": question.required}


SCALE_CHOICES = [(5, _("5 Very satisfied")), (4, _("4 Satisfied")), (3, _("3 Neutral")),
                 (2, _("2 Dissatisfied")), (1, _("1 Very dissatisfied"))]


class AnswerForm(forms.Form):
    """One field per question, named q<id>; the service validates again."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for q in self.questions:
            name = f"q{q.pk}"
            if q.kind == Question.Kind.SCALE:
                field = forms.TypedChoiceField(choices=SCALE_CHOICES, coerce=int,
                                               widget=forms.RadioSelect)
            elif q.kind == Question.Kind.SINGLE:
                field = forms.ChoiceField(choices=[(c, c) for c in q.choices],
                                          widget=forms.RadioSelect)
            elif q.kind == Question.Kind.MULTIPLE:
                field = forms.MultipleChoiceField(choices=[(c, c) for c in q.choices],
                                                  widget=forms.CheckboxSelectMultiple)
            else:
                field = forms.CharField(max_length=5000,
                                        widget=forms.Textarea(attrs={"rows": 3,
                                                                     "class": "form-control"}))
            field.label = q.text
            field.required = q.required
            self.fields[name] = field

    def answers(self) -> dict:
        return {q.pk: self.cleaned_data.get(f"q{q.pk}") for q in self.questions}


class AnalysisForm(forms.Form):
    contract = forms.CharField(required=False)
    from_ = forms.DateField(required=False)
    to = forms.DateField(required=False)

    def __init__(self, data=None, **kwargs):
        if data is not None:
            data = {"contract": data.get("contract", ""), "from_": data.get("from", ""),
                    "to": data.get("to", "")}
        super().__init__(data, **kwargs)

    def clean(self):
        data = super().clean()
        start, end = data.get("from_"), data.get("to")
        if start and end and end < start:
            self.add_error("to", _("The period ends before it starts."))
        if start and end and (end - start).days > 3660:
            self.add_error("to", _("Choose a period of at most ten years."))
        return data
