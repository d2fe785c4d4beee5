"""The statements of a reader's POST, written in SQL: the checks that may refuse a comment,
and the comment with its first audit event inserted unless a check finds a row, in one round
trip. The ORM would take as long to build them as the database takes to run them
(docs/benchmarks.md, ingest). Table and column names come from the models, quoted; every
value is a parameter.

On PostgreSQL the insert is one statement, ``WITH new_comment AS (INSERT ... SELECT ...
WHERE NOT EXISTS (...) RETURNING id) INSERT INTO <events> ... FROM new_comment``: atomic on
its own, with no BEGIN and COMMIT around it. SQLite cannot insert inside a ``WITH``: there
the two INSERTs share a transaction. Model signals (``pre_save``/``post_save``) are not sent
for these rows; ``signals.comment_submitted`` is.
"""

from __future__ import annotations

import functools

from django.db import connections, models, transaction

from moderation.models import Comment, ModerationEvent

#: A piece of SQL and its parameters.
Condition = tuple[str, list]


def _connection():
    return connections[Comment.objects.db]


def _field(name: str, model: type[models.Model] = Comment) -> models.Field:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)  # a column of the table, not a reverse relation
    return field


@functools.lru_cache(maxsize=256)
def _quoted(alias: str, model: type[models.Model], name: str = "") -> str:
    """The table of ``model`` or its field ``name``'s column, quoted for the database
    ``alias`` (the same for every query: built once per process)."""
    in_db = _field(name, model).column if name else model._meta.db_table
    assert in_db is not None  # a concrete field has its column once its model is ready
    return connections[alias].ops.quote_name(in_db)


def column(name: str) -> str:
    """A column of the comments' table, quoted."""
    return _quoted(Comment.objects.db, Comment, name)


def db_value(name: str, value: object) -> object:
    """``value`` as the comments' column ``name`` takes it in a query."""
    return _field(name).get_db_prep_value(value, _connection())


def any_of(conditions: list[Condition]) -> Condition:
    """The conditions ORed; one that is never true if there are none."""
    if not conditions:
        return "1 = 0", []
    sql = " OR ".join(f"({c})" for c, _params in conditions)
    return f"({sql})", [p for _sql, params in conditions for p in params]


def same_text(text: str) -> Condition:
    """The comment's text is ``text``; on PostgreSQL asked by its digest as well, which
    migration 0012 indexes with the target: the duplicate check reads no other comment."""
    exact = f"{column('text')} = %s"
    if _connection().vendor != "postgresql":
        return exact, [text]
    return f"md5({column('text')}) = md5(%s) AND {exact}", [text, text]


def comment_exists(*conditions: Condition) -> Condition:
    """``EXISTS`` a comment matching every one of ``conditions``."""
    table = _quoted(Comment.objects.db, Comment)
    where = " AND ".join(f"({c})" for c, _params in conditions)
    sql = f"EXISTS (SELECT 1 FROM {table} WHERE {where})"  # noqa: S608 (quoted model names)
    return sql, [p for _sql, params in conditions for p in params]


def row_exists(model: type[models.Model], **equal: object) -> Condition:
    """``EXISTS`` a row of ``model`` whose fields (by name) equal these values."""
    alias = Comment.objects.db
    where = " AND ".join(f"{_quoted(alias, model, name)} = %s" for name in equal)
    sql = f"EXISTS (SELECT 1 FROM {_quoted(alias, model)} WHERE {where})"  # noqa: S608 (quoted model names)
    return sql, list(equal.values())


def found(checks: dict[str, Condition]) -> dict[str, bool]:
    """Which of ``checks`` (``EXISTS`` conditions) hold, in one round trip."""
    names = list(checks)
    with _connection().cursor() as cursor:
        select = ", ".join(checks[name][0] for name in names)
        cursor.execute(f"SELECT {select}", [p for name in names for p in checks[name][1]])
        return {name: bool(value) for name, value in zip(names, cursor.fetchone(), strict=True)}


def _given(obj: models.Model, connection, skip: str = "") -> tuple[tuple, list]:
    """The fields a new row of ``obj`` is inserted with, and their values as the database
    takes them (``auto_now_add`` and defaults applied, as ``save()`` would): all but its
    primary key, ``skip`` and the nullable ones left NULL, which the database fills (fewer
    parameters: psycopg then keeps the statement's parsed form)."""
    fields, values = [], []
    for field in obj._meta.concrete_fields:
        if field.primary_key or field.attname == skip:
            continue
        value = field.pre_save(obj, add=True)
        if value is None and field.null:
            continue  # before its conversion, which for a date alone costs 3 µs
        fields.append(field)
        values.append(field.get_db_prep_save(value, connection))
    return tuple(fields), values


def _select_list(fields: tuple, connection) -> str:
    """Placeholders for an ``INSERT ... SELECT``; typed on PostgreSQL, where a bare parameter
    in a SELECT list would be taken as text."""
    if connection.vendor != "postgresql":
        return ", ".join("%s" for _ in fields)
    return ", ".join(f"CAST(%s AS {f.cast_db_type(connection)})" for f in fields)


@functools.lru_cache(maxsize=64)
def _insert_statements(alias: str, fields: tuple, event_fields: tuple) -> tuple[str, str, str]:
    """The SQL that inserts a comment and its event with these fields, built once per
    process: the parts before and after the refusals' condition, and the event's own INSERT
    where the database cannot insert inside a WITH ("" on PostgreSQL)."""
    connection = connections[alias]
    qn = connection.ops.quote_name
    comments, events = qn(Comment._meta.db_table), qn(ModerationEvent._meta.db_table)
    pk = column("id")
    columns = ", ".join(qn(f.column) for f in fields)
    event_columns = ", ".join(qn(f.column) for f in [ModerationEvent.comment.field, *event_fields])
    head = f"INSERT INTO {comments} ({columns}) SELECT {_select_list(fields, connection)}"
    head += " WHERE NOT "
    tail = f" RETURNING {pk}"
    if connection.vendor == "postgresql":
        insert_event = f"INSERT INTO {events} ({event_columns}) SELECT new_comment.{pk}"
        event_select = f"{_select_list(event_fields, connection)} FROM new_comment"
        tail += f") {insert_event}, {event_select} RETURNING {qn('comment_id')}"
        return f"WITH new_comment AS ({head}", tail, ""
    placeholders = ", ".join("%s" for _ in range(len(event_fields) + 1))
    insert_event = f"INSERT INTO {events} ({event_columns}) VALUES ({placeholders})"  # noqa: S608 (quoted model names)
    return head, tail, insert_event


def insert_unless(comment: Comment, event: ModerationEvent, refusals: list[Condition]) -> bool:
    """Save ``comment`` and ``event`` (whose comment it is) unless one of ``refusals`` holds;
    False, and nothing written, if one did."""
    connection = _connection()
    fields, values = _given(comment, connection)
    event_fields, event_values = _given(event, connection, skip="comment_id")
    head, tail, insert_event = _insert_statements(connection.alias, fields, event_fields)
    blocked, blocked_params = any_of(refusals)
    if not insert_event:  # PostgreSQL: one statement
        with connection.cursor() as cursor:
            cursor.execute(head + blocked + tail, [*values, *blocked_params, *event_values])
            row = cursor.fetchone()
    else:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(head + blocked + tail, [*values, *blocked_params])
            row = cursor.fetchone()
            if row is not None:
                cursor.execute(insert_event, [row[0], *event_values])
    if row is None:
        return False
    comment.pk = event.comment_id = row[0]
    comment._state.adding, comment._state.db = False, connection.alias
    return True
