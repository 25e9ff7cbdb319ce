"""Plain text and Markdown files, with optional YAML front matter for the fields."""
import frontmatter
import yaml

from . import DEFAULT_LIMITS, InputError, RawRecord, decode, read_whole


def read_text(fp, source, encoding="utf-8", limits=DEFAULT_LIMITS):
    content = decode(read_whole(fp, source, limits.file_bytes), source, encoding)
    try:
        post = frontmatter.loads(content)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        raise InputError(source, where, f"invalid YAML front matter: {getattr(e, 'problem', e)}") from None
    fields = dict(post.metadata)
    body = post.content.strip()
    if "title" not in fields and body.startswith("# "):
        first, _, rest = body.partition("\n")
        fields["title"] = first[2:].strip()
        body = rest.strip()
    fields["text"] = body
    yield RawRecord(fields, source, "", "text")
