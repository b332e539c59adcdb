"""The dashboard's reads of the rollup compiled once per process (core.prepared, issue 19).

Building and compiling the quarter dashboard's dozen aggregate queries (each a sum of eighteen
measures, filtered by a scope) was about half of its Python time: ~1 ms a query, against a
fraction of that to run one. A ``ScopedQuery`` is such a query for any ``figures.Scope``: one
PreparedQuery per shape of the scope (engineers given or not, one service type or not), the
contracts and engineers as one list parameter each (core.lookups.InIdList).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.db.models import F, Q, QuerySet

from core.lookups import InIdList
from core.prepared import PreparedQuery

# Markers (core.prepared): no contract, engineer or service type has a negative id, no rollup
# row, snapshot or visit is dated 1901.
CONTRACTS = [-1_987_650_001]
ENGINEERS = [-1_987_650_002]
SERVICE_TYPE = -1_987_650_003
START, END, DAY = date(1901, 1, 2), date(1901, 2, 3), date(1901, 3, 4)
IDS = [-1_987_650_004]  # any other list of ids
DAYS = [date(1901, 4, 5)]  # a list of days


class ScopedQuery:
    """``build(where, **markers)`` gives the queryset, filtered by ``where`` (the scope's
    conditions on the model's contract, engineer and service type columns); ``dicts(scope,
    **values)`` runs it for that scope. ``engineer`` and ``service_type`` name those columns,
    None where the model has none (the scope's condition on it is then not applied, as
    the unprepared figure did not apply it)."""

    def __init__(self, build: Callable[..., QuerySet], *, contract: str = "contract_id",
                 engineer: str | None = "engineer_id",
                 service_type: str | None = "service_type_id", **markers):
        self._build, self._markers = build, markers
        self._columns = (contract, engineer, service_type)
        self._by_shape: dict[tuple[bool, bool], PreparedQuery] = {}

    def _shape(self, scope) -> tuple[bool, bool]:
        _, engineer, service_type = self._columns
        return (engineer is not None and scope.engineer_ids is not None,
                service_type is not None and scope.service_type_id is not None)

    def _query(self, shape: tuple[bool, bool]) -> PreparedQuery:
        query = self._by_shape.get(shape)
        if query is None:
            contract, engineer, service_type = self._columns
            with_engineers, with_service_type = shape
            scope_markers = {"contracts": CONTRACTS}
            if with_engineers:
                scope_markers["engineers"] = ENGINEERS
            if with_service_type:
                scope_markers["service_type"] = SERVICE_TYPE

            def build(**markers):
                where = [InIdList(F(contract), markers.pop("contracts"))]
                if with_engineers:
                    where.append(InIdList(F(engineer), markers.pop("engineers")))
                if with_service_type:
                    where.append(Q(**{service_type: markers.pop("service_type")}))
                return self._build(where, **markers)

            query = self._by_shape[shape] = PreparedQuery(build, **scope_markers,
                                                           **self._markers)
        return query

    def dicts(self, scope, **values) -> list[dict]:
        shape = self._shape(scope)
        scope_values = {"contracts": list(scope.contract_ids)}
        if shape[0]:
            scope_values["engineers"] = list(scope.engineer_ids)
        if shape[1]:
            scope_values["service_type"] = scope.service_type_id
        return self._query(shape).dicts(**scope_values, **values)
