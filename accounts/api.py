from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import ErrorDetail, Throttled
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Department, Site, User
from accounts.permissions import may_create_callers
from accounts.roles import capabilities_of
from accounts.selectors import callers_organisations, people_visible_to
from accounts.services import LoginThrottled, caller_create, login_authenticate
from core.errors import InvalidInput, PermissionRefused


class PersonRefSerializer(serializers.Serializer):
    """A person as other resources mention them."""

    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField(source="display_name")


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class ObtainTokenView(APIView):
    """Exchange a username and password for an API token (`Authorization: Token …`)."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()})},
    )
    def post(self, request):
        form = TokenRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        # Django's HttpRequest, not DRF's wrapper: django-axes flags the lockout on it.
        django_request = request._request
        try:
            user = login_authenticate(request=django_request,
                                      username=form.validated_data["username"],
                                      password=form.validated_data["password"])
        except LoginThrottled as exc:
            throttled = Throttled(wait=exc.seconds)  # 429 with Retry-After (core/api.py)
            throttled.detail = ErrorDetail(str(exc), code=throttled.default_code)
            raise throttled from None
        if user is None or not user.is_active:
            raise InvalidInput(_("Wrong username or password."), code="bad_credentials")
        # A token login is a login: last_login, the security log, axes' reset of the count.
        user_logged_in.send(sender=user.__class__, request=django_request, user=user)
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class MeSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField()
    role_display = serializers.CharField(source="get_role_display")
    organisation = serializers.CharField(source="organisation.name", default=None)
    department = serializers.CharField(source="department.name", default=None)
    site = serializers.CharField(source="site.name", default=None)
    capabilities = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "name", "role", "role_display", "email",
                  "phone", "employee_no", "organisation", "department", "site", "capabilities"]

    def get_capabilities(self, user) -> list[str]:
        return sorted(capabilities_of(user))


class MeView(APIView):
    """The caller: who they are, their role and what it allows."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)


class PersonSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField()
    role_display = serializers.CharField(source="get_role_display")
    organisation = serializers.CharField(source="organisation.name", default=None)
    department = serializers.CharField(source="department.name", default=None)
    site = serializers.CharField(source="site.name", default=None)

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "role", "role_display", "phone",
                  "employee_no", "email", "organisation", "department", "site"]


class CallerCreateSerializer(serializers.Serializer):
    """A new caller (an end user without a login), as a phone integration sends it.

    ``organisation`` is the client's code (or id); ``department`` and ``site`` are names (or ids)
    within that organisation."""

    name = serializers.CharField(max_length=100)
    phone = serializers.CharField(max_length=40)
    organisation = serializers.CharField(max_length=64)
    department = serializers.CharField(max_length=120, required=False, allow_blank=True)
    site = serializers.CharField(max_length=120, required=False, allow_blank=True)
    employee_no = serializers.CharField(max_length=40, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)

    def validate(self, attrs):
        user = self.context["request"].user
        reference = attrs["organisation"].strip()
        organisations = callers_organisations(user)
        organisation = organisations.filter(code=reference).first() or (
            organisations.filter(pk=int(reference)).first() if reference.isdigit() else None)
        if organisation is None:
            # Not one of the caller's clients is told like one that does not exist.
            raise InvalidInput(_("No client organisation “%(value)s” of your contracts.")
                               % {"value": reference}, field="organisation",
                               code="unknown_organisation")
        attrs["organisation"] = organisation
        for key, model in (("department", Department), ("site", Site)):
            reference = (attrs.get(key) or "").strip()
            if not reference:
                attrs[key] = None
                continue
            places = model.objects.filter(organisation=organisation)
            place = places.filter(name=reference).first() or (
                places.filter(pk=int(reference)).first() if reference.isdigit() else None)
            if place is None:
                raise InvalidInput(_("The organisation has no %(kind)s “%(value)s”.") % {
                    "kind": model._meta.verbose_name, "value": reference}, field=key,
                    code="unknown_" + key)
            attrs[key] = place
        return attrs


class PersonViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """People the caller may see; `?search=` matches name, username, phone, employee number.

    POST creates a caller (the desk, project managers and administrators: `log_calls`) in a
    client organisation of the caller's contracts; a phone number another person of that client
    already has is a 400 on `phone` (code `duplicate`)."""

    serializer_class = PersonSerializer
    filterset_fields = ["role", "organisation__code"]
    search_fields = ["name", "username", "phone", "employee_no"]
    ordering_fields = ["name", "username"]

    def get_queryset(self):
        return people_visible_to(self.request.user).select_related(
            "organisation", "department", "site"
        ).order_by("name", "username")

    @extend_schema(request=CallerCreateSerializer, responses={201: PersonSerializer})
    def create(self, request, *args, **kwargs):
        # Authorise before validating: who may not create callers learns nothing of the input.
        if not may_create_callers(request.user):
            raise PermissionRefused(_("You may not create callers."))
        form = CallerCreateSerializer(data=request.data, context={"request": request})
        form.is_valid(raise_exception=True)
        person = caller_create(actor=request.user, **form.validated_data)
        return Response(PersonSerializer(person).data, status=status.HTTP_201_CREATED)
