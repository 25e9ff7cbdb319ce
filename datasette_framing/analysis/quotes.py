"""Quotations and who says them.

Three shapes, found per document:

- ``direct``: text in quotation marks (“…”, "…", «…») with an attribution next to it
  ("…," said Rubio / Sheinbaum dijo: «…» / —afirmó la presidenta);
- ``reported``: reported speech, a speaker and a speech verb followed by what was said
  (Sheinbaum said that… / la presidenta afirmó que… / …, dijo Trevilla);
- ``transcript``: a turn in a press-conference transcript, a speaker in capitals
  before a colon at the start of a line (PRESIDENTA CLAUDIA SHEINBAUM PARDO: …).

The speaker is resolved to a codebook actor (and so a country) when one of the
actor's aliases is the named speaker; otherwise the named words are kept as given.
"""
from dataclasses import dataclass
import re

SPEECH_VERBS = {
    "en": r"said|says|say|told|tells|added|stated|states|argued|argues|warned|warns|insisted|insists|noted|notes|"
          r"declared|declares|stressed|stresses|claimed|claims|asserted|asserts|explained|explains|"
          r"acknowledged|acknowledges|denied|denies|wrote|writes|posted|posts|announced|announces|"
          r"emphasized|emphasizes|repeated|repeats|replied|replies|responded|responds|contended|contends|"
          r"maintained|maintains|suggested|suggests|vowed|vows|pledged|pledges|confirmed|confirms",
    "es": r"dijo|dice|afirmó|afirma|señaló|señala|aseguró|asegura|sostuvo|sostiene|advirtió|advierte|"
          r"indicó|indica|explicó|explica|declaró|declara|insistió|insiste|reiteró|reitera|subrayó|subraya|"
          r"destacó|destaca|expresó|expresa|planteó|plantea|comentó|comenta|agregó|agrega|añadió|añade|"
          r"manifestó|manifiesta|precisó|precisa|aclaró|aclara|recalcó|recalca|enfatizó|enfatiza|"
          r"apuntó|apunta|mencionó|menciona|respondió|responde|admitió|admite|negó|niega|anunció|anuncia|"
          r"escribió|escribe|publicó|publica|prometió|promete|confirmó|confirma",
}
# A name: capitalised words, allowing particles (de, la, del, von...).
NAME = r"(?:[A-ZÁÉÍÓÚÑ][\w.'’-]+(?:\s+(?:(?:de|la|del|los|las|y|von|van|da|di|De|La)\s+){0,2}[A-ZÁÉÍÓÚÑ][\w.'’-]+){0,4})"
TITLE = {
    "en": r"(?:[Tt]he\s+)?(?:(?:U\.S\.|Mexican|Mexico's|American|former|top|senior|a|an)\s+)*"
          r"(?:president|secretary|minister|ambassador|official|officials|spokesperson|spokesman|spokeswoman|general|senator|lawmaker|director|attorney general|governor|defense secretary|foreign secretary|foreign minister)",
    "es": r"(?:[Ee]l|[Ll]a|[Ll]os|[Ll]as)\s+(?:presidenta|presidente|mandataria|mandatario|canciller|secretario|secretaria|embajador|embajadora|funcionario|funcionaria|funcionarios|vocero|vocera|general|senador|senadora|legislador|legisladora|director|directora|fiscal|gobernador|gobernadora)(?:\s+(?:de|del)\s+[\wÁÉÍÓÚÑáéíóúñ]+(?:\s+[\wÁÉÍÓÚÑáéíóúñ]+)?)?",
}
QUOTE_PAIRS = [("“", "”"), ("«", "»"), ('"', '"')]
TRANSCRIPT_TURN = re.compile(r"^[ \t]*([A-ZÁÉÍÓÚÑ][A-ZÁÉÍÓÚÑ .'’-]{2,80}):[ \t]*", re.MULTILINE)


@dataclass
class Quote:
    type: str  # direct, reported, transcript
    start: int
    end: int
    speaker: str  # as named in the text
    verb: str = None


def _compiled(language):
    lang = language if language in SPEECH_VERBS else "en"
    verbs = SPEECH_VERBS[lang]
    speaker = rf"(?P<speaker>{NAME}|{TITLE[lang]})"
    after = re.compile(rf"^\s*[,—–-]?\s*(?P<verb>{verbs})\s+{speaker}", re.UNICODE)
    after_inv = re.compile(rf"^\s*[,—–-]?\s*{speaker}\s+(?P<verb>{verbs})\b", re.UNICODE)
    before = re.compile(rf"{speaker}\s+(?P<verb>{verbs})\s*(?:to\s+\w+\s*)?[:,]?\s*$", re.UNICODE)
    that = "that" if lang == "en" else "que"
    reported = re.compile(
        rf"(?:^|[\s,;(])(?P<speaker>{NAME}|{TITLE[lang]})(?:,[^,]{{1,80}},)?\s+(?P<verb>{verbs})"
        rf"(?:\s+(?:to\s+)?(?:reporters|journalists|a\s+reporteros|a\s+periodistas|en\s+conferencia(?:\s+de\s+prensa)?|"
        rf"during\s+\w+\s+\w+|at\s+\w+\s+\w+(?:\s+\w+)?|durante\s+su\s+conferencia(?:\s+matutina)?))?\s*,?\s+(?:{that}\b|:)",
        re.UNICODE,
    )
    trailing = re.compile(
        rf",\s*(?:(?P<verb>{verbs})\s+(?P<speaker>{NAME}|{TITLE[lang]})|(?P<speaker2>{NAME}|{TITLE[lang]})\s+(?P<verb2>{verbs}))\s*[.;]?\s*$",
        re.UNICODE,
    )
    return after, after_inv, before, reported, trailing


_CACHE = {}


def patterns(language):
    if language not in _CACHE:
        _CACHE[language] = _compiled(language)
    return _CACHE[language]


def find_quotes(text, sentences, language):
    """Quotes in ``text``; ``sentences`` are the (start, end) spans from the segmenter."""
    after, after_inv, before, reported, trailing = patterns(language)
    quotes = []
    # Direct quotations.
    for opener, closer in QUOTE_PAIRS:
        pos = 0
        while True:
            start = text.find(opener, pos)
            if start < 0:
                break
            end = text.find(closer, start + 1)
            if end < 0 or end - start > 2000:
                break
            inner = text[start + 1:end].strip()
            pos = end + 1
            if len(inner.split()) < 3:
                continue  # scare quotes around a word or a title
            tail = text[end + 1:end + 160]
            head = text[max(0, start - 160):start]
            match = after.match(tail) or after_inv.match(tail)
            speaker = verb = None
            if match:
                speaker, verb = match.group("speaker"), match.group("verb")
            else:
                match = before.search(head)
                if match:
                    speaker, verb = match.group("speaker"), match.group("verb")
            quotes.append(Quote("direct", start, end + 1, _clean_name(speaker), verb))
    direct_spans = [(q.start, q.end) for q in quotes]
    # Reported speech, one per sentence at most, outside direct quotations.
    for s_start, s_end in sentences:
        if any(a <= s_start and s_end <= b for a, b in direct_spans):
            continue
        sentence = text[s_start:s_end]
        match = reported.search(sentence) or trailing.search(sentence)
        if match:
            groups = match.groupdict()
            speaker = groups.get("speaker") or groups.get("speaker2")
            verb = groups.get("verb") or groups.get("verb2")
            if speaker and not _is_pronoun(speaker):
                quotes.append(Quote("reported", s_start, s_end, _clean_name(speaker), verb))
    # Transcript turns.
    turns = list(TRANSCRIPT_TURN.finditer(text))
    for i, turn in enumerate(turns):
        end = turns[i + 1].start() if i + 1 < len(turns) else len(text)
        quotes.append(Quote("transcript", turn.end(), end, turn.group(1).strip(), None))
    quotes.sort(key=lambda q: (q.start, q.end))
    return quotes


def _clean_name(name):
    if name is None:
        return None
    name = name.strip().rstrip(".,;:")
    # "U.S." keeps its final period.
    if name.endswith("U.S") or name.endswith("EE.UU"):
        name += "."
    return name


_PRONOUNS = {"he", "she", "they", "it", "we", "i", "you", "él", "ella", "ellos", "ellas", "this", "that",
             "the", "but", "and", "in", "on", "en", "el", "la", "pero", "y", "también"}


def _is_pronoun(name):
    return name.strip().lower() in _PRONOUNS
