"""A batch's writes, one statement each: the decided comments' UPDATE and their events'
INSERT. On PostgreSQL the rows travel as one JSON parameter (``jsonb_to_recordset``):
encoding it takes the ``json`` module's C code a millisecond, where binding each value (or
arrays of them) had psycopg adapting them one by one in Python, longer than the database
took to write them. Elsewhere: one UPDATE per row sent with ``executemany``, and
``bulk_create``. Model signals are not sent, as for any bulk write.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Sequence
from typing import Any, cast

from django.db import connections, models, router


def _pk_column(model: type[models.Model]) -> str:
    return cast(str, model._meta.pk.column)


def _json(value: object) -> object:
    """What ``json`` cannot encode itself: a time (an ISO string, as PostgreSQL reads it)."""
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not written as JSON")


def _records(objs: Sequence[models.Model], fields: list[Any], *, add: bool = False) -> str:
    """The fields of each object as a JSON list of records keyed by column, with
    ``position`` (an object's place in ``objs``)."""
    rows = [
        {
            "position": position,
            **{
                field.column: field.get_prep_value(
                    field.pre_save(obj, add=True) if add else getattr(obj, field.attname)
                )
                for field in fields
            },
        }
        for position, obj in enumerate(objs)
    ]
    return json.dumps(rows, default=_json, allow_nan=False)


def _recordset(fields: list[Any], connection) -> str:
    """``jsonb_to_recordset`` of a parameter ``_records`` wrote, as ``new``."""
    quote = connection.ops.quote_name
    columns = ", ".join(f"{quote(f.column)} {f.cast_db_type(connection)}" for f in fields)
    return f"jsonb_to_recordset(%s::jsonb) AS new(position integer, {columns})"


def update(objs: Sequence[models.Model], names: Sequence[str]) -> None:
    """Write the fields ``names`` of ``objs`` (saved rows of one model)."""
    if not objs:
        return
    model = type(objs[0])
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    fields: list[Any] = [model._meta.get_field(name) for name in names]
    table, pk = quote(model._meta.db_table), quote(_pk_column(model))
    if connection.vendor == "postgresql":
        with_pk = [*fields, model._meta.pk]
        assignments = ", ".join(f"{quote(f.column)} = new.{quote(f.column)}" for f in fields)
        sql = (
            f"UPDATE {table} SET {assignments} FROM {_recordset(with_pk, connection)}"  # noqa: S608 (quoted model names)
            f" WHERE {table}.{pk} = new.{pk}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [_records(objs, with_pk)])
        return
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608 (quoted model names)
    rows = [
        [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in fields]
        + [obj.pk]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def insert(objs: Sequence[models.Model]) -> None:
    """Save ``objs`` (new rows of one model), setting their primary keys."""
    if not objs:
        return
    model = type(objs[0])
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objs)
        return
    quote = connection.ops.quote_name
    fields: list[Any] = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(quote(field.column) for field in fields)
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({columns})"  # noqa: S608 (quoted model names)
        f" SELECT {columns} FROM {_recordset(fields, connection)} ORDER BY position"
        f" RETURNING {quote(_pk_column(model))}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [_records(objs, fields, add=True)])
        for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = pk
            obj._state.adding, obj._state.db = False, connection.alias
