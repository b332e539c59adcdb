"""Queries compiled once per process and then run with new values (issue 19).

Django builds a queryset and compiles its SQL again on every evaluation. For a query with many
joins and annotations that is most of its cost: the ticket page's query (eight relations, a
dozen EXISTS flags) took 2.8 ms of CPU to build and compile at 1,000,000 tickets, and well under
a millisecond to run. A ``PreparedQuery`` builds its queryset once per database, with a marker
where each value goes, keeps the SQL and what Django needs to turn a row into models, and then
only runs that SQL with the values of the call.

Only for queries whose shape never changes with their values: the values are parameters of the
SQL, nothing else. django.db.models.query.ModelIterable is what the rows go through normally;
``_Compiled.model`` does the same for a query without known related objects (the only kind made
here), so the models are the ones the queryset would have given (tests/core/test_prepared.py).
Why hand-written: docs/adr/0009-prepared-queries.md.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import F, Model, Prefetch, QuerySet, Value
from django.db.models.query import ModelIterable, ValuesListIterable, get_related_populators
from django.utils.duration import duration_microseconds

from core.lookups import InIdList, date_list_param, id_list_param


def _adapter(marker) -> Callable | None:
    """How a value of this marker's kind becomes the query parameter, as the lookup that
    placed it does: a date, time or date and time by the backend's operation (unchanged on
    PostgreSQL, text on SQLite), a duration as a DurationField sends it (unchanged on
    PostgreSQL, microseconds on SQLite), a list of ids or of dates as core.lookups.InIdList
    and InDateList send it; None for the other values, which reach the parameters as given."""
    if isinstance(marker, list):  # of dates (InDateList) or of ids (InIdList)
        return date_list_param if marker and isinstance(marker[0], date) else id_list_param
    if isinstance(marker, timedelta):  # as DurationField.get_db_prep_value sends it
        return lambda value, connection: (
            value if connection.features.has_native_duration_field
            else duration_microseconds(value))
    for kind, operation in ((datetime, "adapt_datetimefield_value"),
                            (date, "adapt_datefield_value"), (time, "adapt_timefield_value")):
        if isinstance(marker, kind):
            return lambda value, connection, operation=operation: getattr(
                connection.ops, operation)(value)
    return None


class _Compiled:
    """One query's SQL, where its values go, and how a row becomes models (or a tuple)."""

    def __init__(self, queryset: QuerySet, markers: dict[str, object]):
        if queryset._prefetch_related_lookups or queryset._known_related_objects:
            raise ImproperlyConfigured("A prepared query makes models from its own rows only: "
                                       "prefetch after it (prefetch_related_objects).")
        compiler = queryset.query.get_compiler(using=queryset.db)
        self.sql, params = compiler.as_sql()
        if compiler.has_extra_select:  # Django trims such rows; not needed so far
            raise ImproperlyConfigured("A prepared query cannot have extra select columns.")
        self.params = list(params)
        connection = connections[queryset.db]
        self.slots = {}  # name -> (position in the parameters, how Django wrapped the value)
        self.adapters = {}  # name -> how its value becomes the parameter (_adapter)
        for name, marker in markers.items():
            adapter = _adapter(marker)
            if adapter is not None:
                self.adapters[name] = adapter
                marker = adapter(marker, connection)
            found = [i for i, param in enumerate(self.params)
                     if isinstance(param, type(marker)) and param == marker]
            if len(found) != 1:
                raise ImproperlyConfigured(
                    f"The marker of {name!r} is in the SQL's parameters {len(found)} times, "
                    "not once: give it as a lookup or RawSQL value that reaches them unchanged.")
            # PostgreSQL's backend sends a small integer field's value as psycopg's Int2 (an
            # int): each call's value is wrapped the same way.
            wrapper = type(self.params[found[0]])
            self.slots[name] = (found[0], None if wrapper is type(marker) else wrapper)
        select, klass_info = compiler.select, compiler.klass_info
        self.converters = list(compiler.get_converters(
            [column[0] for column in select[:compiler.col_count]]).items())
        # A values_list() query gives its rows as tuples (django.db.models.query's
        # ValuesListIterable); any other kind of values query is not made here.
        self.gives_models = queryset._iterable_class is ModelIterable
        if not self.gives_models:
            if queryset._iterable_class is not ValuesListIterable:
                raise ImproperlyConfigured("A prepared query gives models or values_list() "
                                           "tuples (not values() dicts, flat or named lists).")
            # The columns in the SQL's order (values_list() reorders its tuples to the order
            # it was given; rows() keeps the SQL's, dicts() names each value): Django's own
            # list of them where it keeps one (an annotation named in values_list() comes in
            # its place there, not after the fields).
            query = queryset.query
            self.names = (list(query.selected) if query.selected is not None else
                          [*query.extra_select, *query.values_select, *query.annotation_select])
            return
        self.model_class = klass_info["model"]
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [column[0].target.attname for column in select[self.start:self.end]]
        self.populators = get_related_populators(klass_info, select, queryset.db)
        self.annotations = list(compiler.annotation_col_map.items())

    def converted(self, row: tuple, using: str) -> tuple:
        if not self.converters:
            return row
        connection = connections[using]
        row = list(row)
        for position, (converters, expression) in self.converters:
            value = row[position]
            for converter in converters:
                value = converter(value, expression, connection)
            row[position] = value
        return tuple(row)

    def model(self, row: tuple, using: str) -> Model:
        row = self.converted(row, using)
        obj = self.model_class.from_db(using, self.init_list, row[self.start:self.end])
        for populator in self.populators:
            populator.populate(row, obj)
        for name, position in self.annotations:
            setattr(obj, name, row[position])
        return obj


class PreparedQuery:
    """A queryset built by ``build(**markers)``, compiled on first use per database, and run
    by ``models(**values)`` (or ``rows(**values)`` for a values_list() query) with each
    marker's place taken by its value.

    Each marker must reach the SQL's parameters unchanged and exactly once (a string or
    integer lookup such as ``number=marker``, or a RawSQL parameter; a date or time as the
    backend adapts it, a list of ids through core.lookups.InIdList: core.prepared._adapter);
    anything else is refused when the query is first compiled. Choose markers no real value
    could be equal to."""

    def __init__(self, build: Callable[..., QuerySet], **markers):
        self._build = build
        self._markers = markers
        # Shared by a process's threads: a compiled query holds no connection and is only
        # read once made (two threads compiling it at once both make the same).
        self._by_alias: dict[str, _Compiled] = {}

    def _compiled(self, using: str) -> _Compiled:
        compiled = self._by_alias.get(using)
        if compiled is None:
            compiled = self._by_alias[using] = _Compiled(
                self._build(**self._markers).using(using), self._markers)
        return compiled

    def models(self, using: str = DEFAULT_DB_ALIAS, **values) -> list[Model]:
        """The models of a query of models, for these values."""
        compiled, rows = self._run(using, values)
        if not compiled.gives_models:
            raise TypeError("A values_list() query: read its rows().")
        return [compiled.model(row, using) for row in rows]

    def rows(self, using: str = DEFAULT_DB_ALIAS, **values) -> list[tuple]:
        """The tuples of a values_list() query, for these values, in the SQL's column order
        (its fields, then its annotations; values_list() would reorder them as it was given)."""
        compiled, rows = self._run(using, values)
        if compiled.gives_models:
            raise TypeError("A query of models: read its models().")
        return [compiled.converted(row, using) for row in rows]

    def dicts(self, using: str = DEFAULT_DB_ALIAS, **values) -> list[dict]:
        """The rows of a values_list() query as dicts, each value under its column's name
        (as values() would give them)."""
        compiled, rows = self._run(using, values)
        if compiled.gives_models:
            raise TypeError("A query of models: read its models().")
        names = compiled.names
        return [dict(zip(names, compiled.converted(row, using), strict=True)) for row in rows]

    def _run(self, using: str, values: dict) -> tuple[_Compiled, list[tuple]]:
        if values.keys() != self._markers.keys():
            raise TypeError(f"Give exactly {sorted(self._markers)}, not {sorted(values)}.")
        if any(value is None for value in values.values()):
            # The queryset would have asked IS NULL, another SQL than "= %s".
            raise ValueError("A prepared query takes no None: its SQL compares with '='.")
        compiled = self._compiled(using)
        connection = connections[using]
        params = list(compiled.params)
        for name, value in values.items():
            position, wrapper = compiled.slots[name]
            if name in compiled.adapters:
                value = compiled.adapters[name](value, connection)
            params[position] = value if wrapper is None else wrapper(value)
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            return compiled, cursor.fetchall()


def one_row(queryset: QuerySet, **aggregates) -> QuerySet:
    """``queryset.aggregate(**aggregates)`` as a values_list() query a PreparedQuery can run:
    its one row holds the aggregates in the order given (a constant grouped on adds no GROUP
    BY, so a query matching nothing still gives one row, as aggregate() does; no ORDER BY,
    as aggregate() drops the model's ordering)."""
    return (queryset.order_by().annotate(_one_row=Value(1)).values("_one_row")
            .annotate(**aggregates).values_list(*aggregates))


class PreparedPrefetch:
    """``prefetch_related_objects(instances, Prefetch(related_name, queryset))`` for a reverse
    foreign key, the related rows read by a query compiled once: the parents' ids are one list
    parameter (core.lookups.InIdList). Each instance's manager then answers from the rows, and
    each row knows its parent, as after Django's prefetch. Building and compiling the ticket
    page's clocks prefetch was two thirds of reading its ticket (issue 19).

    ``queryset_of()`` gives the Prefetch's queryset (select_related, order), without the filter
    on the parent; ``as_prefetch()`` the Prefetch itself, for querysets read the usual way."""

    MARKER = [-1_987_654_399]  # no parent has a negative id

    def __init__(self, related_name: str, queryset_of: Callable[[], QuerySet]):
        self.related_name = related_name
        self.queryset_of = queryset_of
        self._query: PreparedQuery | None = None

    def as_prefetch(self) -> Prefetch:
        return Prefetch(self.related_name, queryset=self.queryset_of())

    def __call__(self, instances: list[Model]) -> None:
        if not instances:
            return
        field = getattr(instances[0], self.related_name).field  # the child's foreign key
        if self._query is None:  # the foreign key is known once a manager is in hand
            self._query = PreparedQuery(lambda parents: self.queryset_of().filter(
                InIdList(F(field.attname), parents)), parents=self.MARKER)
        children: dict[object, list[Model]] = {}
        for child in self._query.models(parents=[instance.pk for instance in instances]):
            children.setdefault(getattr(child, field.attname), []).append(child)
        for instance in instances:
            rows = children.get(instance.pk, [])
            for child in rows:
                field.set_cached_value(child, instance)
            # What prefetch_one_level leaves: the manager's own queryset holding the rows.
            queryset = getattr(instance, self.related_name)._apply_rel_filters(
                self.queryset_of())
            queryset._result_cache = rows
            queryset._prefetch_done = True
            if not hasattr(instance, "_prefetched_objects_cache"):
                instance._prefetched_objects_cache = {}
            instance._prefetched_objects_cache[field.remote_field.cache_name] = queryset
