"""Knowledge models, one module per sub-domain (articles, problems, changes, notices)."""

# articles (k18kb)
from knowledge.models.articles import (  # noqa: F401
    CONTENT_FIELDS,
    Article,
    ArticleAttachment,
    ArticleStatus,
    ArticleVersion,
    ArticleVote,
    Deflection,
    TicketArticle,
    Visibility,
)
