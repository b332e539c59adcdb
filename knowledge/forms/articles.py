"""Forms of the article pages: they parse input; the rules are the services' (knowledge/services/
articles.py), whose refusals come back under the field they name (core.forms.add_service_error)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import MultipleFileField
from knowledge.models import Article
from sla.selectors import contracts_visible_to
from tickets.models import Category


class ArticleForm(forms.ModelForm):
    note = forms.CharField(label=_("What changed"), max_length=300, required=False)
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    uploads = MultipleFileField(label=_("Screenshots and files"), required=False,
                                help_text=_("Images uploaded here can be shown in the body with "
                                            "![description](address shown after upload)."))

    class Meta:
        model = Article
        fields = ["title", "symptom", "cause", "solution", "visibility", "contract",
                  "service_type", "category", "asset_models", "title_en", "symptom_en",
                  "cause_en", "solution_en"]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in
                   ("symptom", "cause", "solution", "symptom_en", "cause_en", "solution_en")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = contracts_visible_to(user).order_by("code")
        self.fields["category"].queryset = Category.objects.filter(active=True).select_related(
            "parent", "service_type")
        self.fields["category"].label_from_instance = lambda c: c.path_label
        if self.instance.pk:
            self.fields["revision"].initial = self.instance.revision
        else:
            del self.fields["note"]

    def service_fields(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class LinkForm(forms.Form):
    article = forms.IntegerField(min_value=1, max_value=2**63 - 1)
