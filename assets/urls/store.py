"""URL patterns of the spare-part store and loaner devices; see assets/urls/__init__.py."""

from django.urls import path

from assets.views import store as views

patterns: list = [
    path("store/", views.store, name="store"),
    path("store/parts/<int:pk>/", views.part, name="part"),
    path("store/restock/", views.restock, name="restock"),
    path("store/loans/", views.loans, name="loans"),
    # POST-only: one URL per change.
    path("store/loans/lend/", views.lend, name="loan_lend"),
    path("store/loans/<int:pk>/return/", views.loan_return, name="loan_return"),
    path("store/movements/<int:pk>/bad-part/", views.bad_part, name="bad_part"),
]
# /store/parts/<pk>/receive/, …/issue/, …/return/, …/transfer/, …/write-off/, …/count/
patterns += [
    path(f"store/parts/<int:pk>/{action.replace('_', '-')}/", views.part_action,
         {"action": action}, name=f"part_{action}")
    for action in views.PART_FORMS
]
