"""The few places where Datasette 0.65 and the 1.0 alphas differ, kept in one module.

- permissions: 0.65 has ``permission_allowed(actor, action, resource)``; later 1.0
  alphas replace it with ``allowed(action=..., resource=..., actor=...)``.
- canned queries: 0.65 reads them from metadata (``get_canned_queries``); 1.0 calls
  them stored queries and keeps them in ``datasette.yaml``.
- JSON rows: 0.65 table JSON gives ``rows`` as lists unless ``_shape=objects``; 1.0
  gives a list of objects.
"""


async def allowed(datasette, actor, action, database=None, table=None):
    """True if ``actor`` may do ``action`` (view-instance, view-database, view-table...)."""
    if hasattr(datasette, "allowed") and not hasattr(datasette, "permission_allowed"):
        from datasette import resources  # 1.0 alpha

        if table is not None:
            resource = resources.TableResource(database=database, table=table)
        elif database is not None:
            resource = resources.DatabaseResource(database=database)
        else:
            resource = resources.InstanceResource()
        return await datasette.allowed(action=action, resource=resource, actor=actor)
    if table is not None:
        resource = (database, table)
    else:
        resource = database
    return await datasette.permission_allowed(actor, action, resource=resource, default=True)


async def can_view(datasette, actor, database=None, table=None):
    """The cascade every plugin page checks: the instance, then the database, then the table."""
    if not await allowed(datasette, actor, "view-instance"):
        return False
    if database is not None and not await allowed(datasette, actor, "view-database", database):
        return False
    if table is not None and not await allowed(datasette, actor, "view-table", database, table):
        return False
    return True


async def canned_queries(datasette, database, actor):
    """Canned (0.65) / stored (1.0) queries of a database, as a dict name -> config."""
    getter = getattr(datasette, "get_canned_queries", None)
    if getter is not None:
        return await getter(database, actor)
    return await datasette.get_stored_queries(database, actor)  # pragma: no cover - 1.0


def json_rows(data):
    """Rows of a Datasette table/query JSON response as dicts, whichever version made it."""
    rows = data.get("rows", [])
    if rows and isinstance(rows[0], (list, tuple)):
        columns = data["columns"]
        return [dict(zip(columns, row)) for row in rows]
    return rows
