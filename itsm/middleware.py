from django.conf import settings
from django.http import Http404
from django.urls import Resolver404, get_resolver, get_urlconf
from django.utils import translation
from django.utils.cache import patch_vary_headers

from accounts.roles import Capability, can


class ChineseFirstLocaleMiddleware:
    """Chinese unless the user chose otherwise.

    Django's LocaleMiddleware follows the browser's Accept-Language, so an English-language browser
    would never see the Chinese-first portal. Here only an explicit choice (the language switch,
    stored in a cookie) changes the language.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response


class DebugNotFoundMiddleware:
    """With DEBUG on, only administrators see Django's technical 404 page.

    That page lists every URL pattern of the portal and names the view, to whoever asked: under
    `make run` a client contact opening another client's ticket would read the whole URL map.
    Everyone else gets the 404 page production shows. Two ways lead to the technical page: a
    path that matches no URL (answered before any view runs, so no `process_exception` sees it;
    the request then has no `resolver_match`) and a view raising Http404. The API's own JSON 404s
    are responses, not exceptions, and pass untouched.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (settings.DEBUG and response.status_code == 404
                and getattr(request, "resolver_match", None) is None
                and not _may_debug(request)):
            return _not_found(request, Resolver404({"path": request.path_info}))
        return response

    def process_exception(self, request, exception):
        if settings.DEBUG and isinstance(exception, Http404) and not _may_debug(request):
            return _not_found(request, exception)
        return None


def _may_debug(request) -> bool:
    return can(getattr(request, "user", None), Capability.ADMINISTER)


def _not_found(request, exception):
    handler = get_resolver(get_urlconf()).resolve_error_handler(404)
    response = handler(request, exception)
    # A template response (a custom handler404) must be rendered before it leaves a middleware.
    return response.render() if hasattr(response, "render") else response
