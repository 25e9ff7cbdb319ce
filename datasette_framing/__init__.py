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
def prepare_connection(conn):
    from .sqlfunctions import register

    register(conn)
