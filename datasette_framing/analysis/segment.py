"""Sentence splitting for English and Spanish, offline.

sentencex (Wikimedia's rule-based segmenter) ships its abbreviation lists, so
``EE.UU.``, ``U.S.``, ``Sr.`` and ``Gral.`` do not end sentences.  Two repairs on
top: a segment starting in lower case continues the previous sentence (``10 a.m.
del lunes``), and line breaks between paragraphs always end a sentence.
"""
import re

from sentencex import segment as _sentencex_segment

# sentencex reads "no." as the abbreviation of "number"; before a capital it ends a sentence.
NO_NUMBER = re.compile(r"\b[Nn]o\.\s+(?=[A-ZÁÉÍÓÚÑ¿¡])")
PARAGRAPH = re.compile(r"\n\s*\n|\n(?=[A-ZÁÉÍÓÚÑ¿¡\"“«—-])")
SUPPORTED = {"en", "es"}
# sentencex encodes its input as UTF-8, which a lone surrogate cannot be; U+FFFD has the
# same length, so offsets into the original text still hold.
SURROGATE = re.compile("[\ud800-\udfff]")


def split_sentences(text, language="en"):
    """List of (start, end) character spans of the sentences of ``text``; whitespace trimmed."""
    language = language if language in SUPPORTED else "en"
    spans = []
    for block_start, block_end in _blocks(text):
        block = text[block_start:block_end]
        if SURROGATE.search(block):
            block = SURROGATE.sub("\ufffd", block)
        cursor = 0
        pieces = []
        for piece in _sentencex_segment(language, block):
            index = block.find(piece, cursor)
            if index < 0:  # the segmenter changed the text; fall back to the cursor
                index = cursor
            end = index + len(piece)
            for match in NO_NUMBER.finditer(block, index, end):
                pieces.append([index, match.end()])
                index = match.end()
            pieces.append([index, end])
            cursor = end
        merged = []
        for start, end in pieces:
            stripped = block[start:end].lstrip()
            if merged and stripped and (stripped[0].islower() or stripped[0] in ",;:)"):
                merged[-1][1] = end
            else:
                merged.append([start, end])
        for start, end in merged:
            s, e = _trim(block, start, end)
            if e > s:
                spans.append((block_start + s, block_start + e))
    return spans


def _blocks(text):
    start = 0
    for match in PARAGRAPH.finditer(text):
        yield start, match.start()
        start = match.end()
    yield start, len(text)


def _trim(text, start, end):
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
