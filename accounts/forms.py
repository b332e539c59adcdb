from django import forms
from django.contrib.auth.forms import AuthenticationForm

from accounts.services import LoginThrottled, login_authenticate


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's login form, refusing for a while after repeated failures (accounts/throttle.py)."""

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = login_authenticate(
                    request=self.request, username=username, password=password
                )
            except LoginThrottled as exc:
                raise forms.ValidationError(str(exc), code="throttled") from None
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class PeopleSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, strip=True)
