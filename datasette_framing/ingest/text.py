"""Plain text and Markdown files, with optional YAML front matter for the fields."""
import frontmatter
import yaml

from . import DEFAULT_LIMITS, InputError, RawRecord, decode, read_whole

# YAML aliases can make a few lines expand into billions of values ("billion laughs");
# front matter holds a handful of fields, so a generous cap on values is safe.
MAX_FRONT_MATTER_VALUES = 10_000


def read_text(fp, source, encoding="utf-8", limits=DEFAULT_LIMITS):
    content = decode(read_whole(fp, source, limits.file_bytes), source, encoding)
    try:
        post = frontmatter.loads(content)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        raise InputError(source, where, f"invalid YAML front matter: {getattr(e, 'problem', e)}") from None
    if not _within(post.metadata, MAX_FRONT_MATTER_VALUES):
        raise InputError(source, "", f"YAML front matter expands to more than {MAX_FRONT_MATTER_VALUES:,} values")
    fields = dict(post.metadata)
    body = post.content.strip()
    if "title" not in fields and body.startswith("# "):
        first, _, rest = body.partition("\n")
        fields["title"] = first[2:].strip()
        body = rest.strip()
    fields["text"] = body
    yield RawRecord(fields, source, "", "text")


def _within(value, budget):
    """Whether ``value`` (aliases counted every time they are used) holds at most ``budget`` values."""
    stack = [value]
    while stack:
        budget -= 1
        if budget < 0:
            return False
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set)):
            stack.extend(item)
    return True
