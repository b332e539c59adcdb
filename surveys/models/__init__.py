"""Satisfaction surveys (per ticket and campaigns) and the complaints register (V1–V4)."""

from surveys.models.campaigns import (
    Answer,
    Campaign,
    Invitation,
    Question,
)
from surveys.models.complaints import Complaint, ComplaintAlert
from surveys.models.ticket_surveys import CallbackTask, SurveyPolicy, TicketSurvey

__all__ = ["Answer", "CallbackTask", "Campaign", "Complaint", "ComplaintAlert", "Invitation",
           "Question", "SurveyPolicy", "TicketSurvey"]
