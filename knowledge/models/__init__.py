"""Knowledge models, one module per sub-domain (articles, problems, changes, notices)."""

# --- problems, changes, notices (k18chg) ---
from knowledge.models.changes import (  # noqa: E402
    Change,
    ChangeApproval,
    ChangeCounter,
    Consent,
    Decision,
)
from knowledge.models.notices import Notice, NoticePolicy, NoticeRecipient  # noqa: E402
from knowledge.models.problems import Problem, ProblemCounter  # noqa: E402

__all__ = ["Change", "ChangeApproval", "ChangeCounter", "Consent", "Decision", "Notice",
           "NoticePolicy", "NoticeRecipient", "Problem", "ProblemCounter"]
