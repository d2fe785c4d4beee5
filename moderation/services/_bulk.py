"""A batch's writes, one statement each: the decided comments' UPDATE and their events'
INSERT. On PostgreSQL the values travel as one array per column, bound by the server
(psycopg adapts them in C; Django's client-side binding would quote every value in Python,
which took longer than the database did). Elsewhere: one UPDATE per row sent with
``executemany``, and ``bulk_create``. Model signals are not sent, as for any bulk write.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connections, models


def _fields(model: type[models.Model], names: Sequence[str]) -> list[Any]:
    return [model._meta.get_field(name) for name in names]


def _columns(values: list[list[object]]) -> list[list[object]]:
    """Rows of values turned into one list per column."""
    return [list(column) for column in zip(*values, strict=True)]


def _arrays(fields: list[Any], connection) -> str:
    """``unnest`` of one typed array parameter per field (PostgreSQL)."""
    return ", ".join(f"%s::{field.cast_db_type(connection)}[]" for field in fields)


def _execute(connection, sql: str, params: list) -> list[tuple]:
    """Run ``sql`` with server-side binding on the Django connection; its rows, if any."""
    import psycopg

    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def update(objs: Sequence[models.Model], names: Sequence[str]) -> None:
    """Write the fields ``names`` of ``objs`` (saved rows of one model)."""
    if not objs:
        return
    model = type(objs[0])
    connection = connections[model.objects.db]
    quote = connection.ops.quote_name
    fields, pk = _fields(model, names), model._meta.pk
    table, pk_column = quote(model._meta.db_table), quote(pk.column)
    rows = [
        [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in fields]
        + [obj.pk]
        for obj in objs
    ]
    columns = [quote(field.column) for field in fields]
    if connection.vendor == "postgresql":
        assignments = ", ".join(f"{column} = new.{column}" for column in columns)
        sql = (
            f"UPDATE {table} SET {assignments} FROM unnest({_arrays([*fields, pk], connection)})"  # noqa: S608 (quoted model names)
            f" AS new({', '.join(columns)}, {pk_column}) WHERE {table}.{pk_column} = new.{pk_column}"
        )
        _execute(connection, sql, _columns(rows))
        return
    assignments = ", ".join(f"{column} = %s" for column in columns)
    sql = f"UPDATE {table} SET {assignments} WHERE {pk_column} = %s"  # noqa: S608 (quoted model names)
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def insert(objs: Sequence[models.Model]) -> None:
    """Save ``objs`` (new rows of one model), setting their primary keys."""
    if not objs:
        return
    model = type(objs[0])
    connection = connections[model.objects.db]
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs)
        return
    quote = connection.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    rows = [
        [f.get_db_prep_save(f.pre_save(obj, add=True), connection) for f in fields] for obj in objs
    ]
    columns = ", ".join(quote(field.column) for field in fields)
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({columns})"  # noqa: S608 (quoted model names)
        f" SELECT {columns} FROM unnest({_arrays(fields, connection)})"
        f" WITH ORDINALITY AS new({columns}, position) ORDER BY position"
        f" RETURNING {quote(model._meta.pk.column)}"
    )
    for obj, (pk,) in zip(objs, _execute(connection, sql, _columns(rows)), strict=True):
        obj.pk = pk
        obj._state.adding, obj._state.db = False, connection.alias
