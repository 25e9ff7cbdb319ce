"""Codebooks as data: read a YAML codebook, check it, compile its patterns once.

The format is documented in the README ("Writing a codebook") and shown by the
shipped ``codebooks/us_mx_sovereignty.yml``.
"""
from dataclasses import dataclass, field
import hashlib
import os
import re

import yaml

from .patterns import Matcher, PatternError, compile_pattern, expand_phrases
from .text import fold

DEFAULT_CODEBOOK = os.path.join(os.path.dirname(os.path.dirname(__file__)), "codebooks", "us_mx_sovereignty.yml")
SLUG = re.compile(r"^[a-z][a-z0-9_]*$")


class CodebookError(ValueError):
    """A codebook file that cannot be used; the message names the file and the place."""


@dataclass
class Frame:
    slug: str
    labels: dict
    definitions: dict
    color: str


@dataclass
class Rule:
    """One frame pattern with its context conditions (indexes into context groups)."""
    frame: str
    with_group: int = None
    without_group: int = None
    requires_group: int = None  # the frame's `requires` context: somewhere in the sentence


@dataclass
class ListRule:
    """A list of topics ("tariffs, migration and fentanyl"): its items are passing mentions.

    A hit inside an item of a comma-separated list of at least ``min_items`` short items
    (``max_item_words``) does not count when the list's items name at least ``min_frames``
    different frames.  A segment that starts with one of ``breaks`` (a word that opens a
    clause: "because", "que", ...) is not an item.
    """
    min_items: int = 3
    min_frames: int = 2
    max_item_words: int = 4
    conjunctions: dict = field(default_factory=dict)  # language -> set of folded words
    breaks: dict = field(default_factory=dict)  # language -> set of folded words


@dataclass
class Codebook:
    name: str
    version: str
    sha256: str
    path: str
    languages: list
    frames: list
    actors: list
    boilerplate: list
    stance_frame: str = None
    lists: "ListRule" = None  # topic lists whose items are passing mentions (or None)
    matchers: dict = field(default_factory=dict)  # language -> Matcher
    groups: int = 0  # number of context groups

    @property
    def slugs(self):
        return [f.slug for f in self.frames]


def load_codebook(path=None):
    path = path or DEFAULT_CODEBOOK
    try:
        with open(path, "rb") as fp:
            raw = fp.read()
    except OSError as e:
        raise CodebookError(f"{path}: cannot read the codebook: {e.strerror}") from None
    return codebook_from_bytes(raw, path)


class _StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Safe YAML that refuses a key given twice in one mapping: YAML would keep the last one,
    so ``{match: ..., without: [a], with: [...], without: [b]}`` silently lost its first list."""


def _mapping_without_duplicates(loader, node, deep=False):
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key {key!r} appears twice in this mapping", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_duplicates)


def codebook_from_bytes(raw, path="<codebook>"):
    """Compile a codebook from the bytes of its YAML file (what a remote worker receives)."""
    try:
        data = yaml.load(raw.decode("utf-8"), Loader=_StrictLoader)
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        raise CodebookError(f"{path}: not a valid YAML codebook: {e}") from None
    return compile_codebook(data, path, hashlib.sha256(raw).hexdigest())


def compile_codebook(data, path="<codebook>", sha256=None):
    def fail(where, message):
        raise CodebookError(f"{path}: {where}: {message}")

    if not isinstance(data, dict) or not isinstance(data.get("frames"), list) or not data["frames"]:
        fail("top level", "expected a mapping with a non-empty 'frames' list")
    languages = data.get("languages") or ["en", "es"]
    contexts = data.get("contexts") or {}

    def expand(items, where, depth=0):
        """Pattern strings of a list, with $name references replaced by that context's list."""
        out = []
        for item in items or []:
            if not isinstance(item, str):
                fail(where, f"expected a pattern string, got {item!r}")
            if item.startswith("$"):
                name = item[1:]
                if name not in contexts:
                    fail(where, f"unknown context {item!r}")
                if depth > 5:
                    fail(where, f"contexts refer to each other in a loop at {item!r}")
                out.extend(expand((contexts[name] or {}).get(lang_of[0]), f"contexts.{name}", depth + 1))
            else:
                out.append(item)
        return out

    lang_of = [None]
    patterns = {lang: [] for lang in languages}
    group_ids = {}
    cues = {}  # (language, pattern source) -> the group ids it is a cue of: one pattern each

    def group(items, where, lang):
        if not items:
            return None
        expanded = tuple(expand(items, where))
        key = (lang, expanded)
        if key not in group_ids:
            gid = len(group_ids)
            group_ids[key] = gid
            for source in expanded:
                if (lang, source) not in cues:
                    cues[lang, source] = []
                    add_patterns(source, lang, ("context", cues[lang, source]), where)
                if gid not in cues[lang, source]:
                    cues[lang, source].append(gid)
        return group_ids[key]

    def add_patterns(source, lang, payload, where):
        """Compile a source into the language's patterns: one per phrase of its (...) groups."""
        try:
            patterns[lang].extend(compile_pattern(one, lang, payload) for one in expand_phrases(source))
        except PatternError as e:
            fail(where, str(e))

    frames = []
    seen = set()
    for i, entry in enumerate(data["frames"]):
        where = f"frames[{i}]"
        if not isinstance(entry, dict) or not SLUG.match(str(entry.get("slug", ""))):
            fail(where, "each frame needs a 'slug' of lower-case letters, digits and underscores")
        slug = entry["slug"]
        if slug in seen:
            fail(where, f"frame {slug!r} appears twice")
        seen.add(slug)
        labels = entry.get("label") or {}
        frames.append(Frame(slug, labels if isinstance(labels, dict) else {"en": str(labels)},
                            entry.get("definition") or {}, entry.get("color") or "#666666"))
        for lang in languages:
            lang_of[0] = lang
            requires = (entry.get("requires") or {}).get(lang)
            if requires is not None and not isinstance(requires, list):
                fail(f"frames.{slug}.requires.{lang}", "expected a list of patterns")
            required = group(requires, f"frames.{slug}.requires.{lang}", lang)
            for j, item in enumerate((entry.get("patterns") or {}).get(lang) or []):
                pwhere = f"frames.{slug}.patterns.{lang}[{j}]"
                if isinstance(item, str):
                    source, rule = item, Rule(slug, requires_group=required)
                elif isinstance(item, dict) and isinstance(item.get("match"), str):
                    unknown = set(item) - {"match", "with", "without"}
                    if unknown:
                        fail(pwhere, f"unknown keys {sorted(unknown)} (use match, with, without)")
                    source = item["match"]
                    rule = Rule(slug, group(item.get("with"), pwhere, lang), group(item.get("without"), pwhere, lang),
                                required)
                else:
                    fail(pwhere, "expected a pattern string or a mapping with 'match'")
                for expanded in expand([source], pwhere):
                    add_patterns(expanded, lang, ("frame", rule), pwhere)
            for j, source in enumerate(expand((entry.get("exclude") or {}).get(lang), f"frames.{slug}.exclude.{lang}")):
                add_patterns(source, lang, ("exclude", slug), f"frames.{slug}.exclude.{lang}[{j}]")

    stance = data.get("stance") or {}
    stance_frame = stance.get("frame")
    if stance and stance_frame not in seen:
        fail("stance", f"'frame' must name one of the frames, got {stance_frame!r}")
    for side in ("supports", "opposes"):
        for lang in languages:
            lang_of[0] = lang
            for j, source in enumerate(expand((stance.get(side) or {}).get(lang), f"stance.{side}.{lang}")):
                add_patterns(source, lang, ("stance", side), f"stance.{side}.{lang}[{j}]")

    actors = []
    for i, actor in enumerate(data.get("actors") or []):
        where = f"actors[{i}]"
        if not isinstance(actor, dict) or not actor.get("id") or not actor.get("aliases"):
            fail(where, "each actor needs an 'id' and 'aliases'")
        record = {k: actor.get(k) for k in ("id", "name", "country", "type", "role")}
        record["name"] = record["name"] or record["id"]
        actors.append(record)
        for lang in languages:
            lang_of[0] = lang
            for source in actor["aliases"]:
                add_patterns(source, lang, ("actor", record["id"]), where)

    passing = data.get("passing") or {}
    if not isinstance(passing, dict) or set(passing) - {"lists", "off_topic"}:
        fail("passing", "expected a mapping with 'lists' and/or 'off_topic'")
    for lang in languages:
        lang_of[0] = lang
        for j, source in enumerate(expand((passing.get("off_topic") or {}).get(lang), f"passing.off_topic.{lang}")):
            add_patterns(source, lang, ("off_topic", None), f"passing.off_topic.{lang}[{j}]")
    lists = None
    if passing.get("lists"):
        spec = passing["lists"]
        if not isinstance(spec, dict) or set(spec) - {"min_items", "min_frames", "max_item_words", "conjunctions", "breaks"}:
            fail("passing.lists", "expected a mapping of min_items, min_frames, max_item_words, conjunctions, breaks")
        numbers = {}
        for key, default in (("min_items", 3), ("min_frames", 2), ("max_item_words", 4)):
            value = spec.get(key, default)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                fail(f"passing.lists.{key}", f"expected a positive whole number, got {value!r}")
            numbers[key] = value
        words = {}
        for key in ("conjunctions", "breaks"):
            value = spec.get(key) or {}
            if not isinstance(value, dict) or not all(isinstance(v, list) for v in value.values()):
                fail(f"passing.lists.{key}", "expected a list of words for each language")
            for lang, items in value.items():
                for item in items:
                    if not isinstance(item, str):  # YAML reads a bare no / yes / on as true or false
                        fail(f"passing.lists.{key}.{lang}", f"expected words, got {item!r} (quote it)")
            words[key] = {lang: {fold(w) for w in items} for lang, items in value.items()}
        lists = ListRule(**words, **numbers)

    boilerplate = []
    for i, source in enumerate(data.get("boilerplate") or []):
        try:
            boilerplate.append(re.compile(r"^\W*(?:" + source + ")", re.IGNORECASE))
        except re.error as e:
            fail(f"boilerplate[{i}]", f"invalid regular expression: {e}")

    import json
    digest = sha256 or hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
    return Codebook(
        name=str(data.get("name") or os.path.basename(path)),
        version=str(data.get("version") or ""),
        sha256=digest,
        path=path,
        languages=list(languages),
        frames=frames,
        actors=actors,
        boilerplate=boilerplate,
        stance_frame=stance_frame,
        lists=lists,
        matchers={lang: Matcher(pats) for lang, pats in patterns.items()},
        groups=len(group_ids),
    )
