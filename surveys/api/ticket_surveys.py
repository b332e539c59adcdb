"""REST API of the per-ticket surveys: answering by token, like the page (no login needed)."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.clock import now
from surveys.selectors.ticket_surveys import survey_by_token, survey_visible_to
from surveys.services.ticket_surveys import SurveyAnswered, SurveyExpired, survey_answer


def _score(label: str):
    return serializers.IntegerField(min_value=1, max_value=5, help_text=label)


class SurveyAnswerSerializer(serializers.Serializer):
    fixed = serializers.BooleanField(help_text="Is the problem really fixed?")
    response_speed = _score("1-5")
    attitude = _score("1-5")
    ability = _score("1-5")
    overall = _score("1-5")
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000,
                                    default="",
                                    help_text="Required when any score is 2 or lower.")
    wants_complaint = serializers.BooleanField(required=False, default=False)


class SurveyAnswerView(APIView):
    """POST /api/surveys/<token>/answer/: the token is the key, so no login is needed; a
    logged-in person other than the requester gets 404. Answered: 409; expired: 410."""

    permission_classes = [AllowAny]

    @extend_schema(request=SurveyAnswerSerializer, responses={
        200: inline_serializer("SurveyAnswered", {"answered_at": serializers.DateTimeField(),
                                                  "reopened": serializers.BooleanField(),
                                                  "callback": serializers.BooleanField(),
                                                  "complaint": serializers.BooleanField()}),
        400: None, 404: None, 409: None, 410: None})
    def post(self, request, token: str):
        survey = survey_by_token(token)
        if survey is None or not survey_visible_to(survey, request.user):
            raise NotFound
        if survey.answered_at is not None:
            raise SurveyAnswered(_("This survey has already been answered."))
        if now() >= survey.expires_at:
            raise SurveyExpired(_("This survey has expired."))
        form = SurveyAnswerSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        # Bad values (400), a lost race with another submit (409) or the clock (410): the
        # survey errors are core errors, answered by core/api.py.
        outcome = survey_answer(survey=survey, actor=request.user, **form.validated_data)
        return Response({"answered_at": outcome.survey.answered_at, "reopened": outcome.reopened,
                         "callback": outcome.callback is not None,
                         "complaint": outcome.complaint is not None})


def register_routes(router) -> None:
    """No viewsets: surveys are reached by their token (paths below)."""


def paths() -> list:
    """Extra URL patterns under /api/ that are not viewset routes."""
    return [path("surveys/<str:token>/answer/", SurveyAnswerView.as_view(),
                 name="api-survey-answer")]
