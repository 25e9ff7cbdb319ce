"""All of one page's reads in one SQLite read transaction.

A page computes its numbers from several queries: a share is ``k`` from ``frame_daily``
over ``n`` from ``side_daily``.  Each ``Database.execute`` is a transaction of its own,
so a load or an analysis committing between two of them could give a page the new ``k``
and the old ``n`` (k above n, which ended in a 500 from the Wilson interval; or hits that
belong to another version of a document's text).  :func:`read` runs a function on one connection inside ``BEGIN`` …
``ROLLBACK``: in WAL mode every query in it sees the same committed state, and a writer
is never blocked by it.

Each query keeps Datasette's ``sql_time_limit_ms`` and raises Datasette's
``QueryInterrupted`` when it runs over, as ``Database.execute`` would.
"""
import sqlite3

from datasette.database import QueryInterrupted
from datasette.utils import sqlite_timelimit


class Rows:
    """The part of Datasette's ``Results`` the plugin uses: ``rows`` and ``first()``."""

    def __init__(self, rows):
        self.rows = rows

    def first(self):
        return self.rows[0] if self.rows else None


class Reader:
    """Synchronous queries on one connection, inside the transaction :func:`read` opened."""

    def __init__(self, conn, time_limit_ms):
        self.conn, self.time_limit_ms = conn, time_limit_ms

    def execute(self, sql, params=None):
        with sqlite_timelimit(self.conn, self.time_limit_ms):
            try:
                return Rows(self.conn.execute(sql, params if params is not None else []).fetchall())
            except (sqlite3.OperationalError, sqlite3.DatabaseError) as e:
                if e.args == ("interrupted",):
                    raise QueryInterrupted(e, sql, params) from None
                raise

    def table_exists(self, table):
        return bool(self.execute(
            "select 1 from sqlite_master where type = 'table' and name = ?", [table]).rows)


async def read(datasette, db, fn):
    """``fn(reader)``, with every query ``fn`` makes through ``reader`` seeing one snapshot."""
    def in_transaction(conn):
        conn.execute("begin")
        try:
            return fn(Reader(conn, datasette.sql_time_limit_ms))
        finally:
            conn.execute("rollback")

    return await db.execute_fn(in_transaction)
