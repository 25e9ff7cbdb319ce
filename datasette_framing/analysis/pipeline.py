"""One document in, everything the engine says about it out.

``Engine(codebook).analyze(text, language)`` returns plain data (dicts and lists) so
results can cross process boundaries and be written by one writer.
"""
from .codebook import load_codebook
from .frames import match_sentence
from .quotes import find_quotes
from .segment import split_sentences
from .tone import tone

ENGINE_VERSION = "1"


class Engine:
    def __init__(self, codebook=None):
        self.codebook = codebook if codebook is not None else load_codebook()
        self.actors = {a["id"]: a for a in self.codebook.actors}

    @classmethod
    def from_path(cls, path=None):
        return cls(load_codebook(path))

    def tag(self, text, language):
        """Frames, hits and tone of a piece of text taken as a single unit (``tag``, SQL)."""
        matches = match_sentence(text, language, self.codebook)
        polarity, subjectivity = tone(text, language)
        return {
            "frames": matches.frames,
            "hits": [h.as_dict() for h in matches.hits],
            "language": language,
            "polarity": polarity,
            "subjectivity": subjectivity,
        }

    def resolve_speaker(self, name, language):
        """(actor_id, country) for a speaker as named in the text, or (None, None)."""
        if not name:
            return None, None
        found = match_sentence(name, language, self.codebook).actors
        if not found:
            return None, None
        actor = self.actors[found[0][0]]
        return actor["id"], actor.get("country")

    def analyze(self, text, language):
        language = language or "en"
        spans = split_sentences(text, language)
        quotes = []
        for q in find_quotes(text, spans, language):
            actor, country = self.resolve_speaker(q.speaker, language)
            quotes.append({
                "type": q.type, "start": q.start, "end": q.end, "text": text[q.start:q.end].strip(),
                "speaker": q.speaker, "speaker_actor": actor, "speaker_country": country, "verb": q.verb,
            })
        sentences = []
        frame_sentences = {}
        stance = {"supports": 0, "opposes": 0}
        stance_frame = self.codebook.stance_frame
        for position, (start, end) in enumerate(spans):
            sentence = text[start:end]
            matches = match_sentence(sentence, language, self.codebook)
            polarity, subjectivity = tone(sentence, language)
            quote = _quote_for(quotes, start, end)
            frames = matches.frames
            for frame in frames:
                frame_sentences[frame] = frame_sentences.get(frame, 0) + 1
            if stance_frame in frames:
                stance["supports"] += matches.stance["supports"]
                stance["opposes"] += matches.stance["opposes"]
            sentences.append({
                "position": position, "start": start, "end": end, "text": sentence,
                "polarity": polarity, "subjectivity": subjectivity, "frames": frames,
                "hits": [h.as_dict() for h in matches.hits],
                "actors": [{"actor": a, "start": s, "end": e} for a, s, e in matches.actors],
                "quote_type": quote["type"] if quote else None,
                "speaker": quote["speaker"] if quote else None,
                "speaker_actor": quote["speaker_actor"] if quote else None,
                "speaker_country": quote["speaker_country"] if quote else None,
            })
        tones = [(s["polarity"], s["subjectivity"]) for s in sentences if s["polarity"] is not None]
        return {
            "sentences": sentences,
            "quotes": quotes,
            "frames": frame_sentences,
            "stance": designation_stance(frame_sentences.get(stance_frame, 0), stance) if stance_frame else None,
            "stance_cues": stance,
            "polarity": round(sum(t[0] for t in tones) / len(tones), 4) if tones else None,
            "subjectivity": round(sum(t[1] for t in tones) / len(tones), 4) if tones else None,
        }


def designation_stance(frame_sentences, cues):
    """supports / opposes / neutral / none, from the cues in the sentences carrying the frame."""
    if not frame_sentences:
        return "none"
    if cues["opposes"] > cues["supports"]:
        return "opposes"
    if cues["supports"] > cues["opposes"]:
        return "supports"
    return "neutral"


def _quote_for(quotes, start, end):
    """The quote a sentence belongs to: the one covering most of it."""
    best, best_overlap = None, 0
    for quote in quotes:
        overlap = min(end, quote["end"]) - max(start, quote["start"])
        if overlap > best_overlap and overlap >= (end - start) // 2:
            best, best_overlap = quote, overlap
    return best
