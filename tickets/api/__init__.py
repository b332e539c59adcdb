"""REST API for tickets (itsm/api.py routes these): the ticket viewset (viewsets.py), its
serializers (serializers.py), attachments (attachments.py) and the catalogue (catalogue.py).
The bulk, links and merge actions are mixins of the viewset (tickets/bulk.py, relations.py)."""

from tickets.api.attachments import (
    AttachmentDownloadView,
    AttachmentSerializer,
    AttachmentUploadSerializer,
)
from tickets.api.catalogue import CatalogueView
from tickets.api.serializers import (
    TRANSITION_INPUT,
    CannedReplyRenderedSerializer,
    ClockSerializer,
    CommentSerializer,
    TicketCreateSerializer,
    TicketDetailSerializer,
    TicketSerializer,
    TicketUpdateSerializer,
)
from tickets.api.viewsets import NewestFirst, TicketViewSet

__all__ = [
    "TRANSITION_INPUT", "AttachmentDownloadView", "AttachmentSerializer",
    "AttachmentUploadSerializer", "CannedReplyRenderedSerializer", "CatalogueView",
    "ClockSerializer", "CommentSerializer", "NewestFirst", "TicketCreateSerializer",
    "TicketDetailSerializer", "TicketSerializer", "TicketUpdateSerializer", "TicketViewSet",
]
