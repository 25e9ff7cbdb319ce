"""datasette-framing: Datasette plugin hooks (the logic lives in the modules they name)."""
from datasette import hookimpl


@hookimpl
def register_commands(cli):
    from .cli import cli as framing_cli

    cli.add_command(framing_cli, name="framing")


@hookimpl
def register_routes():
    from . import views

    return views.routes()


@hookimpl
def menu_links(datasette, actor, request):
    from . import views

    return views.menu_links(datasette, actor)


@hookimpl
def database_actions(datasette, actor, database, request):
    from . import views

    return views.database_actions(datasette, actor, database)


@hookimpl
def canned_queries(datasette, database, actor):
    from . import queries

    return queries.canned_queries(datasette, database, actor)


@hookimpl
def prepare_connection(conn):
    from .sqlfunctions import register

    register(conn)
