"""Knowledge models, one module per sub-domain (articles, problems, changes, notices)."""

# articles (k18kb)
from knowledge.models.articles import (
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

# --- problems, changes, notices (k18chg) ---
from knowledge.models.changes import (
    Change,
    ChangeApproval,
    ChangeCounter,
    Consent,
    Decision,
)
from knowledge.models.notices import Notice, NoticePolicy, NoticeRecipient
from knowledge.models.problems import Problem, ProblemCounter

__all__ = [
    # articles (k18kb)
    "CONTENT_FIELDS", "Article", "ArticleAttachment", "ArticleStatus", "ArticleVersion",
    "ArticleVote", "Deflection", "TicketArticle", "Visibility",
    # problems, changes, notices (k18chg)
    "Change", "ChangeApproval", "ChangeCounter", "Consent", "Decision", "Notice",
    "NoticePolicy", "NoticeRecipient", "Problem", "ProblemCounter",
]
