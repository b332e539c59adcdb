"""REST API of knowledge articles (issue 18, contract kept exactly):

- ``GET /api/articles/?search=…``: published public articles for end users and client contacts,
  every state and visibility for staff (their contracts); ranked best first when searching,
  newest first otherwise.
- ``POST /api/articles/``: a new draft (staff who write articles).
- ``GET /api/articles/<id>/``, ``PATCH`` (edit, a new revision), ``POST …/<action>/`` for the
  lifecycle (submit, publish, return, retire, restore), ``POST …/vote/`` (helpful or not) and
  ``POST …/solved/`` ("this solved it" while filing: counted, nothing filed).

Same selectors and services as the pages; an article outside the caller's scope is 404.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.errors import InvalidInput, PermissionRefused
from knowledge.markdown import render
from knowledge.models import Article, ArticleStatus, Visibility
from knowledge.selectors.articles import (
    TERM_MAX,
    article_search_ranked,
    articles_visible_to,
    for_list,
    terms_of,
)
from knowledge.services.articles import (
    allowed_actions,
    article_act,
    article_create,
    article_deflect,
    article_update,
    article_vote,
    may_write_articles,
)
from sla.models import Contract
from sla.selectors import contracts_visible_to
from tickets.models import Category, ServiceType

SEARCH_LIMIT = 20


class ArticleSerializer(serializers.ModelSerializer):
    contract = serializers.CharField(source="contract.code", allow_null=True, default=None)
    author = serializers.CharField(source="author.display_name")
    actions = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = ["id", "title", "symptom", "cause", "solution", "title_en", "symptom_en",
                  "cause_en", "solution_en", "visibility", "status",
                  "contract", "service_type", "category", "asset_models", "author", "revision",
                  "created_at", "updated_at", "published_at", "actions"]
        read_only_fields = fields

    def get_actions(self, article) -> list[str]:
        request = self.context.get("request")
        return allowed_actions(request.user, article) if request else []


class ArticleDetailSerializer(ArticleSerializer):
    """One article: its bodies also as sanitised HTML (images from its own attachments)."""

    symptom_html = serializers.SerializerMethodField()
    cause_html = serializers.SerializerMethodField()
    solution_html = serializers.SerializerMethodField()

    class Meta(ArticleSerializer.Meta):
        fields = [*ArticleSerializer.Meta.fields, "symptom_html", "cause_html", "solution_html"]
        read_only_fields = fields

    def _html(self, text: str, article) -> str:
        ids = set(article.attachments.values_list("pk", flat=True))
        return str(render(text, attachment_ids=ids))

    def get_symptom_html(self, article) -> str:
        return self._html(article.symptom, article)

    def get_cause_html(self, article) -> str:
        return self._html(article.cause, article)

    def get_solution_html(self, article) -> str:
        return self._html(article.solution, article)


class ArticleWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    symptom = serializers.CharField(max_length=20000)
    cause = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    solution = serializers.CharField(max_length=20000)
    title_en = serializers.CharField(max_length=200, required=False, allow_blank=True)
    symptom_en = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    cause_en = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    solution_en = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)
    contract = serializers.SlugRelatedField(slug_field="code", queryset=Contract.objects.none(),
                                            required=False, allow_null=True)
    service_type = serializers.PrimaryKeyRelatedField(queryset=ServiceType.objects.all(),
                                                      required=False, allow_null=True)
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.all(),
                                                  required=False, allow_null=True)
    asset_models = serializers.CharField(max_length=300, required=False, allow_blank=True)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True,
                                 help_text="What changed (kept with the version).")
    revision = serializers.IntegerField(required=False, min_value=1,
                                        help_text="The revision the edit was made from.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["contract"].queryset = contracts_visible_to(request.user)


class ActSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class VoteSerializer(serializers.Serializer):
    helpful = serializers.BooleanField()


class SolvedSerializer(serializers.Serializer):
    contract = serializers.SlugRelatedField(slug_field="code", queryset=Contract.objects.none(),
                                            required=False, allow_null=True)
    query = serializers.CharField(max_length=200, required=False, allow_blank=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["contract"].queryset = contracts_visible_to(request.user)


class ArticleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ArticleSerializer
    filter_backends: list = []  # ?search= is ranked by the knowledge selector, not SearchFilter

    def get_queryset(self):
        articles = for_list(articles_visible_to(self.request.user))
        state = self.request.query_params.get("status")
        if state:
            if state not in ArticleStatus.values:
                raise InvalidInput(_("Unknown status."), field="status")
            articles = articles.filter(status=state)
        return articles.order_by("-updated_at", "-pk")

    def get_serializer_class(self):
        return ArticleDetailSerializer if self.action == "retrieve" else ArticleSerializer

    def get_object(self):
        try:
            article = self.get_queryset().get(pk=int(self.kwargs["pk"]))
        except (Article.DoesNotExist, ValueError, OverflowError):
            raise Http404 from None
        return article

    @extend_schema(parameters=[
        OpenApiParameter("search", OpenApiTypes.STR, description="Words to find (Chinese or "
                         "English, two characters or more each); results ranked, at most 20."),
        OpenApiParameter("status", OpenApiTypes.STR, enum=ArticleStatus.values)])
    def list(self, request, *args, **kwargs):
        search = request.query_params.get("search")
        if search is None:
            return super().list(request, *args, **kwargs)
        search = search.strip()
        if len(search) > TERM_MAX:
            raise InvalidInput(_("At most %(n)d characters.") % {"n": TERM_MAX}, field="search")
        if not terms_of(search):
            raise InvalidInput(_("Type at least two characters per word."), field="search",
                               code="too_short")
        found = article_search_ranked(self.get_queryset(), search, limit=SEARCH_LIMIT)
        data = self.get_serializer(found, many=True).data
        return Response({"count": len(data), "next": None, "previous": None, "results": data})

    @extend_schema(request=ArticleWriteSerializer, responses={201: ArticleSerializer})
    def create(self, request):
        if not may_write_articles(request.user):  # 403 before any field error
            raise PermissionRefused(_("You may not write knowledge articles."))
        form = ArticleWriteSerializer(data=request.data, context={"request": request})
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        data.pop("note", None)
        data.pop("revision", None)
        article = article_create(actor=request.user, **data)
        return Response(self.get_serializer(article).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ArticleWriteSerializer, responses=ArticleSerializer)
    def partial_update(self, request, pk=None):
        article = self.get_object()
        form = ArticleWriteSerializer(data=request.data, partial=True,
                                      context={"request": request})
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        article = article_update(actor=request.user, article=article,
                                 expected_revision=data.pop("revision", None),
                                 note=data.pop("note", ""), **data)
        return Response(self.get_serializer(article).data)

    def _act(self, request, name):
        article = self.get_object()
        form = ActSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        article = article_act(actor=request.user, article=article, action=name,
                              note=form.validated_data.get("note", ""))
        return Response(self.get_serializer(article).data)

    @extend_schema(request=ActSerializer, responses=ArticleSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._act(request, "submit")

    @extend_schema(request=ActSerializer, responses=ArticleSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._act(request, "publish")

    @extend_schema(request=ActSerializer, responses=ArticleSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def send_back(self, request, pk=None):
        """Back to the author with a note (the note is required)."""
        return self._act(request, "return")

    @extend_schema(request=ActSerializer, responses=ArticleSerializer)
    @action(detail=True, methods=["post"])
    def retire(self, request, pk=None):
        return self._act(request, "retire")

    @extend_schema(request=ActSerializer, responses=ArticleSerializer)
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        return self._act(request, "restore")

    @extend_schema(request=VoteSerializer, responses={204: None})
    @action(detail=True, methods=["post"])
    def vote(self, request, pk=None):
        form = VoteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        article_vote(actor=request.user, article=self.get_object(), **form.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=SolvedSerializer, responses={201: None})
    @action(detail=True, methods=["post"])
    def solved(self, request, pk=None):
        form = SolvedSerializer(data=request.data, context={"request": request})
        form.is_valid(raise_exception=True)
        article_deflect(actor=request.user, article=self.get_object(), **form.validated_data)
        return Response(status=status.HTTP_201_CREATED)


def register_routes(router) -> None:
    router.register("articles", ArticleViewSet, basename="article")
