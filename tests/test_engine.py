"""The framing engine: pure functions first, then analyze/tag through the real CLI."""
import json
import pathlib

import pytest
import sqlite_utils

from conftest import COMPARED_TABLES, analysis_rows
from datasette_framing.analysis.codebook import load_codebook, compile_codebook, CodebookError
from datasette_framing.analysis.frames import match_sentence
from datasette_framing.analysis.pipeline import Engine, designation_stance
from datasette_framing.analysis.segment import split_sentences
from datasette_framing.analysis.tone import tone


@pytest.fixture(scope="module")
def codebook():
    return load_codebook()


@pytest.fixture(scope="module")
def engine(codebook):
    return Engine(codebook)


def sentences(text, language):
    return [text[s:e] for s, e in split_sentences(text, language)]


@pytest.mark.parametrize("language,text,expected", [
    ("es", "El Sr. López llegó a EE.UU. el lunes. El Gral. Trevilla dijo que no sabía.",
     ["El Sr. López llegó a EE.UU. el lunes.", "El Gral. Trevilla dijo que no sabía."]),
    ("en", "The U.S. military flew drones. Gen. Smith said no. Mr. Rubio agreed on Feb. 20.",
     ["The U.S. military flew drones.", "Gen. Smith said no.", "Mr. Rubio agreed on Feb. 20."]),
    ("es", "La Lic. Pérez habló a las 10 a.m. del lunes. ¿Qué pasó? ¡Nada!",
     ["La Lic. Pérez habló a las 10 a.m. del lunes.", "¿Qué pasó?", "¡Nada!"]),
    ("en", "Headline without a period\n\nFirst paragraph ends here. Second one.",
     ["Headline without a period", "First paragraph ends here.", "Second one."]),
    ("es", "PRESIDENTA: Hay coordinación.\nINTERLOCUTOR: ¿Y los drones?",
     ["PRESIDENTA: Hay coordinación.", "INTERLOCUTOR: ¿Y los drones?"]),
])
def test_segmentation(language, text, expected):
    assert sentences(text, language) == expected


def test_segment_offsets_slice_the_text():
    text = "  Uno. Dos, tres.\n\n Cuatro?  "
    spans = split_sentences(text, "es")
    assert [text[s:e] for s, e in spans] == ["Uno.", "Dos, tres.", "Cuatro?"]


# One sentence per frame and language, written for these tests.
FRAME_EXAMPLES = [
    ("sovereignty", "en", "Mexico will not accept any violation of its sovereignty, the foreign minister said."),
    ("sovereignty", "es", "La presidenta advirtió que no habrá injerencia ni subordinación frente a Washington."),
    ("terrorist_designation", "en", "The State Department designated six cartels as foreign terrorist organizations."),
    ("terrorist_designation", "es", "Washington designó a seis cárteles como organizaciones terroristas extranjeras."),
    ("military_action", "en", "The CIA has flown MQ-9 Reaper drones over northern Mexico."),
    ("military_action", "es", "Analistas temen ataques con drones contra laboratorios en Sinaloa."),
    ("security_threat", "en", "The order calls the cartels a threat to national security."),
    ("security_threat", "es", "El gobierno estadounidense considera a los cárteles una amenaza para la seguridad nacional."),
    ("cooperation", "en", "Officials said the flights were carried out in cooperation with Mexico."),
    ("cooperation", "es", "Ambos gobiernos acordaron un intercambio de información de inteligencia."),
    ("law_enforcement", "en", "Mexico sent 29 cartel figures to the United States to face prosecution."),
    ("law_enforcement", "es", "La Fiscalía anunció la extradición de tres presuntos operadores."),
    ("drugs", "en", "Fentanyl overdoses remain the leading cause of death for young adults."),
    ("drugs", "es", "El decomiso incluyó metanfetamina y precursores químicos."),
    ("arms_trafficking", "en", "Most guns seized at crime scenes were smuggled from the United States."),
    ("arms_trafficking", "es", "México exige frenar el tráfico de armas desde Estados Unidos."),
    ("economy_trade", "en", "The tariffs threaten supply chains built under the USMCA."),
    ("economy_trade", "es", "Los aranceles afectarían las exportaciones y las remesas."),
    ("migration_border", "en", "Asylum requests at the border fell sharply in March."),
    ("migration_border", "es", "Miles de migrantes esperan en la frontera norte."),
    ("corruption", "en", "Prosecutors say the mayor had ties to the cartel and enjoyed impunity."),
    ("corruption", "es", "La colusión entre autoridades locales y el crimen organizado alimenta la impunidad."),
    ("human_rights", "en", "Rights groups warned that strikes could kill civilians without due process."),
    ("human_rights", "es", "Organizaciones de derechos humanos acompañan a las familias de desaparecidos."),
]


@pytest.mark.parametrize("frame,language,text", FRAME_EXAMPLES)
def test_every_frame_in_both_languages(codebook, frame, language, text):
    assert frame in match_sentence(text, language, codebook).frames


@pytest.mark.parametrize("language,text,frame", [
    ("es", "El plan busca la soberanía alimentaria y la soberanía energética del país.", "sovereignty"),
    ("en", "The fund is a sovereign wealth fund and holds sovereign debt.", "sovereignty"),
    ("en", "A Republican senator called the migrant caravan an invasion.", "military_action"),
    ("es", "El senador llamó invasión a la llegada de migrantes.", "military_action"),
    ("es", "Hubo coordinación entre la Defensa y la Guardia Nacional en Culiacán.", "cooperation"),
    ("es", "La designación del nuevo ministro fue aprobada por el Senado.", "terrorist_designation"),
    ("en", "He was the designated driver after the game.", "terrorist_designation"),
    ("en", "The union voted to strike next week.", "military_action"),
    ("en", "A drone filmed the wedding from above.", "military_action"),
    ("es", "De acuerdo con cifras del INEGI, el empleo creció.", "cooperation"),
    ("es", "Temas: México, soberanía, aranceles", "sovereignty"),
])
def test_exclusions_and_false_friends(codebook, language, text, frame):
    assert frame not in match_sentence(text, language, codebook).frames


def test_accents_optional_and_inflections(codebook):
    assert "sovereignty" in match_sentence("Rechazo total a la intervencion extranjera", "es", codebook).frames
    assert "sovereignty" in match_sentence("Un gobierno soberano no acepta ordenes", "es", codebook).frames
    assert "terrorist_designation" in match_sentence(
        "Los carteles fueron designados como terroristas", "es", codebook).frames
    assert "terrorist_designation" in match_sentence(
        "Rubio's designation of the cartels took effect", "en", codebook).frames


def test_domestic_exclusion_keeps_bilateral_coordination(codebook):
    text = "Hubo coordinación entre la Defensa y la Guardia Nacional, y colaboración con Estados Unidos."
    assert "cooperation" in match_sentence(text, "es", codebook).frames


@pytest.mark.parametrize("frame,language,text", FRAME_EXAMPLES)
def test_offsets_slice_back_to_the_term(codebook, frame, language, text):
    for hit in match_sentence(text, language, codebook).hits:
        assert text[hit.start:hit.end] == hit.term
        assert hit.term.strip() == hit.term and hit.term


def test_codebook_hash_and_errors(tmp_path):
    cb = load_codebook()
    assert len(cb.sha256) == 64 and len(cb.slugs) == 12
    bad = tmp_path / "bad.yml"
    bad.write_text("frames:\n  - slug: x\n    patterns:\n      en: ['a|']\n")
    with pytest.raises(CodebookError) as e:
        load_codebook(bad)
    assert "bad.yml" in str(e.value) and "frames.x.patterns.en[0]" in str(e.value)
    custom = compile_codebook({"frames": [{"slug": "weather", "patterns": {"en": ["rain*", "storm"]}}]})
    assert match_sentence("Storms and rainfall hit Texas", "en", custom).frames == ["weather"]


def test_stance_rules():
    assert designation_stance(0, {"supports": 3, "opposes": 0}) == "none"
    assert designation_stance(2, {"supports": 0, "opposes": 2}) == "opposes"
    assert designation_stance(1, {"supports": 2, "opposes": 1}) == "supports"
    assert designation_stance(1, {"supports": 0, "opposes": 0}) == "neutral"


def test_document_stance(engine):
    opposing = engine.analyze(
        "La presidenta rechazó la designación de los cárteles como terroristas. "
        "Dijo que no puede ser un pretexto para invadir la soberanía.", "es")
    assert opposing["stance"] == "opposes"
    supporting = engine.analyze(
        "The designation of the cartels as terrorist organizations is necessary and will help "
        "protect Americans, the secretary said.", "en")
    assert supporting["stance"] == "supports"
    neutral = engine.analyze("The designations of six cartels as foreign terrorist organizations took effect on Thursday.", "en")
    assert neutral["stance"] == "neutral"
    assert engine.analyze("Tariffs rose again.", "en")["stance"] == "none"


def test_quotes_and_speakers(engine):
    text = ("Sheinbaum said that Mexico would coordinate but never subordinate itself. "
            "“We will not accept any intervention in our territory,” said the Mexican president. "
            "The border is calm, Rubio said.")
    result = engine.analyze(text, "en")
    speakers = [(q["type"], q["speaker_actor"], q["speaker_country"]) for q in result["quotes"]]
    assert ("reported", "sheinbaum", "MX") in speakers
    assert ("direct", "sheinbaum", "MX") in speakers
    assert ("reported", "rubio", "US") in speakers
    first = result["sentences"][0]
    assert first["speaker_country"] == "MX" and "sovereignty" in first["frames"]


@pytest.mark.parametrize("language,text,actor", [
    ("es", "El embajador de EE.UU. se reunió con la canciller.", "ronald-johnson"),
    ("es", "El embajador de EU habló con la prensa.", "ronald-johnson"),
    ("es", "El presidente de EU volvió a hablar de aranceles.", "trump"),
    ("en", "The U.S. ambassador met the foreign minister.", "ronald-johnson"),
    ("es", "La fiscal general de EE.UU. anunció cargos.", "bondi"),
    ("es", "El Senado de EE.UU. discutió la autorización.", "us-congress"),
    ("es", "El Congreso de Estados Unidos aprobó la ley.", "us-congress"),
])
def test_actor_aliases_written_as_phrases(engine, language, text, actor):
    """An alias like "embajador de ee uu|eu|estados unidos" meant three phrases but matched
    none of them ('|' alternates single words in one place); each phrase is its own alias now."""
    result = engine.analyze(text, language)
    assert actor in {a["actor"] for s in result["sentences"] for a in s["actors"]}


def test_transcript_speakers(engine):
    text = "PRESIDENTA CLAUDIA SHEINBAUM PARDO: Con Estados Unidos hay coordinación, no subordinación.\nINTERLOCUTOR: ¿Y los drones?"
    result = engine.analyze(text, "es")
    assert result["sentences"][0]["speaker_actor"] == "sheinbaum"
    assert result["sentences"][0]["quote_type"] == "transcript"
    assert result["sentences"][1]["speaker"] == "INTERLOCUTOR"
    assert result["sentences"][1]["speaker_country"] is None


def test_tone():
    assert tone("This is a terrible, dangerous decision.", "en")[0] < 0
    assert tone("La reunión fue muy productiva y cordial.", "es")[0] > 0
    assert tone("La presidenta calificó la medida de inaceptable y peligrosa.", "es")[0] < 0
    assert tone("No fue una buena decisión.", "es")[0] < 0
    assert tone("El Senado sesionó el martes.", "es") == (0.0, 0.0)
    assert tone("Texte en français.", "fr") == (None, None)


@pytest.fixture
def analysed(tmp_path, fixtures, run_cli):
    path = tmp_path / "a.db"
    run_cli("load", path, fixtures / "stories.jsonl", fixtures / "page.html", fixtures / "feed.atom")
    result = run_cli("analyze", path)
    assert result.exit_code == 0, result.output
    return path


def test_analyze_writes_every_table(analysed):
    db = sqlite_utils.Database(analysed)
    for table in ("sentences", "frame_hits", "document_frames", "document_analysis", "quotes",
                  "sentence_actors", "actors", "frames", "analysis_runs"):
        assert db[table].exists(), table
    assert db["frames"].count == 12
    assert {r["slug"] for r in db["frames"].rows} >= {"sovereignty", "terrorist_designation"}
    fx1 = {r["frame"]: r["sentences"] for r in db["document_frames"].rows_where("document_id = ?", ["fx-1"])}
    assert fx1 == {"terrorist_designation": 1, "sovereignty": 1}
    # hits point into the document text
    text = db["documents"].get("fx-1")["text"]
    for hit in db["frame_hits"].rows_where("document_id = ?", ["fx-1"]):
        assert text[hit["doc_start"]:hit["doc_end"]] == hit["term"]
    # sentence full-text search
    assert [r["document_id"] for r in db["sentences"].search("soberanía")]
    run = db["analysis_runs"].get(1)
    assert run["codebook_sha256"] == load_codebook().sha256 and run["documents"] == 5


def test_incremental_and_all(analysed, tmp_path, run_cli):
    result = run_cli("analyze", analysed)
    assert "0 documents analysed" in result.output
    changed = tmp_path / "changed.jsonl"
    changed.write_text(json.dumps({"id": "fx-1", "text": "Tariffs rose.", "country": "US", "kind": "coverage"}) + "\n"
                       + json.dumps({"id": "new-1", "text": "Remittances grew.", "country": "MX", "kind": "coverage"}) + "\n")
    run_cli("load", analysed, changed)
    result = run_cli("analyze", analysed)
    assert "2 documents analysed" in result.output
    db = sqlite_utils.Database(analysed)
    assert [r["frame"] for r in db["document_frames"].rows_where("document_id = ?", ["fx-1"])] == ["economy_trade"]
    assert db["sentences"].count_where("document_id = ?", ["fx-1"]) == 1
    result = run_cli("analyze", analysed, "--all", "--workers", "2")
    assert "6 documents analysed" in result.output
    assert db["document_analysis"].count == 6


@pytest.mark.parametrize("sizes", [None, (3, 7, 2)])
def test_parallel_matches_serial(tmp_path, fixtures, run_cli, monkeypatch, sizes):
    """--workers 2 writes exactly the rows one worker writes, in every analysis table; also
    with tasks, reading chunks and the queue window so small that every boundary is crossed
    many times (tasks of 3 documents, chunks of 7, 2 tasks queued per worker)."""
    from benchmarks.generate import write_jsonl
    from datasette_framing import analyze

    if sizes:
        for name, value in zip(("TASK_SIZE", "READ_CHUNK", "AHEAD_PER_WORKER"), sizes):
            monkeypatch.setattr(analyze, name, value)
    corpus = tmp_path / "corpus.jsonl"
    write_jsonl(corpus, 60)
    paths = {}
    for workers in (1, 2):
        paths[workers] = tmp_path / f"w{workers}.db"
        run_cli("load", paths[workers], corpus, fixtures / "page.html", fixtures / "statement.md")
        assert run_cli("analyze", paths[workers], "--workers", workers).exit_code == 0
    for table in COMPARED_TABLES:
        assert analysis_rows(paths[1], table) == analysis_rows(paths[2], table), table
    assert len(analysis_rows(paths[1], "sentences")) > 500


def _priority_after_worker_setup(codebook_path):
    import os
    from datasette_framing import analyze

    analyze._init_worker(codebook_path)
    return os.getpriority(os.PRIO_PROCESS, 0)


def test_workers_run_below_the_writer():
    """The analysing processes yield to the one that writes (beside two workers on two cores its
    batch writes took twice their time alone); the writer itself keeps its priority."""
    import multiprocessing
    import os
    from datasette_framing import analyze

    mine = os.getpriority(os.PRIO_PROCESS, 0)
    with multiprocessing.get_context("fork").Pool(1) as pool:
        worker = pool.apply(_priority_after_worker_setup, (load_codebook().path,))
    assert worker == min(19, mine + analyze.WORKER_NICENESS) and analyze.WORKER_NICENESS > 0
    assert os.getpriority(os.PRIO_PROCESS, 0) == mine


def test_failed_analysis_writes_nothing(analysed, tmp_path, run_cli, snapshot):
    before = snapshot(analysed)
    bad = tmp_path / "bad.yml"
    bad.write_text("frames: []\n")
    result = run_cli("analyze", analysed, "--codebook", bad, "--all")
    assert result.exit_code == 1 and "bad.yml" in result.output
    assert snapshot(analysed) == before


def test_tag_command(run_cli):
    lines = json.dumps({"text": "La soberanía no se negocia.", "language": "es"}) + "\nThe CIA flew drones over Mexico.\n"
    result = run_cli("tag", "-", input=lines)
    assert result.exit_code == 0
    out = [json.loads(l) for l in result.output.splitlines()]
    assert out[0]["frames"] == ["sovereignty"] and out[0]["language"] == "es"
    assert out[1]["frames"] == ["military_action"] and out[1]["language"] == "en"
    text = "The CIA flew drones over Mexico."
    assert all(text[h["start"]:h["end"]] == h["term"] for h in out[1]["hits"])
    assert set(out[1]) == {"frames", "hits", "language", "polarity", "subjectivity"}


async def test_sql_functions_through_datasette(analysed):
    from datasette.app import Datasette

    ds = Datasette([str(analysed)])
    sql = ("select framing_frames('La soberanía no se negocia', 'es') as f, "
           "framing_hits('The CIA flew drones', 'en') as h, "
           "framing_tone('This is terrible', 'en') as t, "
           "framing_language('La presidenta dijo que no habrá subordinación') as l")
    response = await ds.client.get("/a.json", params={"sql": sql, "_shape": "array"})
    assert response.status_code == 200, response.text
    row = response.json()[0]
    assert json.loads(row["f"]) == ["sovereignty"]
    assert [h["term"] for h in json.loads(row["h"])] == ["CIA", "drones"]
    assert row["t"] < 0
    assert row["l"] == "es"


def test_sentence_search_follows_reanalysis(analysed, tmp_path, run_cli):
    """The full-text index is maintained in bulk by analyze: old sentences leave it, new ones enter."""
    db = sqlite_utils.Database(analysed)
    triggers = {r[0] for r in db.execute("select name from sqlite_master where type='trigger' and tbl_name='sentences'")}
    assert len(triggers) == 3
    assert [r["document_id"] for r in db["sentences"].search("soberanía")]
    changed = tmp_path / "c.jsonl"
    changed.write_text(json.dumps({"id": "fx-2", "text": "Las remesas crecieron.", "country": "MX", "kind": "coverage"}) + "\n")
    run_cli("load", analysed, changed)
    run_cli("analyze", analysed)
    hits = {r["document_id"] for r in db["sentences"].search("subordinación")}
    assert "fx-2" not in hits
    assert {r["document_id"] for r in db["sentences"].search("remesas")} == {"fx-2"}
    # the index holds exactly one row per sentence
    assert db.execute("select count(*) from sentences_fts").fetchone()[0] == db["sentences"].count
    assert {r[0] for r in db.execute("select name from sqlite_master where type='trigger' and tbl_name='sentences'")} == triggers
    db.execute("pragma integrity_check")
    assert db.execute("insert into sentences_fts(sentences_fts) values('integrity-check')") is not None


def test_evaluate_scores_and_thresholds(tmp_path, run_cli):
    gold = tmp_path / "gold.jsonl"
    items = [
        {"id": "1", "text": "La soberanía no se negocia.", "language": "es", "frames": ["sovereignty"], "tone": "neutral"},
        {"id": "2", "text": "Los aranceles afectarán las exportaciones.", "language": "es", "frames": ["economy_trade"], "tone": "negative"},
        # a gold code the engine misses (no marker words): one false negative
        {"id": "3", "text": "Eso lo resolvemos nosotros y solo nosotros, dijo la presidenta.", "language": "es", "frames": ["sovereignty"], "tone": "neutral"},
        {"id": "4", "text": "The CIA flew drones over Mexico.", "language": "en", "frames": ["military_action"], "tone": "neutral"},
        {"id": "5", "text": "He was the designated driver.", "language": "en", "frames": [], "tone": "neutral"},
    ]
    gold.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items))
    result = run_cli("evaluate", gold, "--json")
    assert result.exit_code == 0
    scores = json.loads(result.output)
    assert scores["frames"]["sovereignty"] == {"precision": 1.0, "recall": 0.5, "f1": pytest.approx(2 / 3),
                                               "support": 2, "tp": 1, "fp": 0, "fn": 1}
    assert scores["by_language"]["en"]["micro_f1"] == 1.0
    assert scores["micro_f1"] == pytest.approx(2 * 0.75 / 1.75)  # p = 1, r = 3/4
    errors = tmp_path / "errors.jsonl"
    result = run_cli("evaluate", gold, "--min-frame-f1", "sovereignty=0.9", "--errors", errors)
    assert result.exit_code == 1 and "sovereignty F1 0.667 < 0.9" in result.output
    assert json.loads(errors.read_text())["missed"] == ["sovereignty"]
    result = run_cli("evaluate", gold, "--min-language-f1", "0.85")
    assert result.exit_code == 1 and "es micro-F1" in result.output
    assert run_cli("evaluate", gold, "--min-micro-f1", "0.8").exit_code == 0
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x", "frames": ["nope"]}\n')
    result = run_cli("evaluate", bad)
    assert result.exit_code == 1 and "bad.jsonl, line 1: unknown frame" in result.output


def cube_rows(path):
    """Each cube as {key: measures}, read from its table and recomputed from scratch in SQL."""
    from datasette_framing import aggregates

    db = sqlite_utils.Database(path)
    kept, recomputed = {}, {}
    for name, sql in aggregates.CUBES.items():
        width = len(aggregates.CELL_FIELDS) + len(aggregates.KEYS[name])
        columns = ", ".join(aggregates.CELL_FIELDS + aggregates.KEYS[name] + aggregates.MEASURES[name])
        for target, query in ((kept, f"select {columns} from [{name}]"), (recomputed, f"select {columns} from ({sql})")):
            target[name] = {tuple(r[:width]): tuple(r[width:]) for r in db.execute(query)}
    return kept, recomputed


def assert_cubes_match(path):
    kept, recomputed = cube_rows(path)
    for name in recomputed:
        assert kept[name].keys() == recomputed[name].keys(), name
        for key, values in recomputed[name].items():
            assert kept[name][key] == pytest.approx(values, abs=1e-6), (name, key)
    assert sum(len(rows) for rows in kept.values()) > 5


def test_cubes_kept_up_to_date_equal_a_rebuild(analysed, tmp_path, fixtures, run_cli):
    """Incremental runs count changed documents in and out of the cubes; the result must be
    what regrouping every analysis row gives, whatever happened in between."""
    assert_cubes_match(analysed)
    run_cli("load", analysed, fixtures / "two_sides.jsonl")
    run_cli("analyze", analysed)
    assert_cubes_match(analysed)
    db = sqlite_utils.Database(analysed)
    # A changed document and a new one.
    changed = dict(next(iter(db["documents"].rows_where("id = ?", ["fx-1"]))))
    edits = tmp_path / "edits.jsonl"
    edits.write_text("\n".join(json.dumps(r) for r in [
        {"id": "fx-1", "text": "Sheinbaum rejected any U.S. strike on Mexican soil, a violation of sovereignty, she said.",
         "country": changed["country"], "kind": changed["kind"], "language": "en", "published": "2025-03-02"},
        {"id": "new-1", "text": "La Marina y la DEA cooperan contra el fentanilo, dijo García Harfuch.",
         "country": "MX", "kind": "coverage", "language": "es", "published": "2025-04-01", "outlet": "Diario"},
    ]) + "\n", encoding="utf-8")
    run_cli("load", analysed, edits)
    assert "2 documents analysed" in run_cli("analyze", analysed).output
    assert_cubes_match(analysed)
    # A document deleted by hand: its analysis is an orphan, counted out.
    db.execute("delete from documents where id = ?", ["new-1"])
    db.conn.commit()
    assert "1 removed" in run_cli("analyze", analysed).output
    assert_cubes_match(analysed)
    # Another codebook (every document re-analysed, not --all), then the shipped one again.
    codebook = tmp_path / "tiny.yml"
    codebook.write_text("frames:\n  - slug: sovereignty\n    patterns:\n      en: [sovereignty]\n      es: [soberania]\n"
                        "  - slug: military_action\n    patterns:\n      en: [strike]\n      es: [ataque]\n",
                        encoding="utf-8")
    run_cli("analyze", analysed, "--codebook", codebook)
    assert_cubes_match(analysed)
    run_cli("analyze", analysed)
    assert_cubes_match(analysed)
    run_cli("analyze", analysed, "--all", "--workers", "2")
    assert_cubes_match(analysed)


GOLD = pathlib.Path(__file__).parent.parent / "data" / "gold"


def test_gold_set_is_complete_and_codebook_shaped():
    """At least 400 hand-coded sentences, at least half Spanish, hard negatives in both
    languages, every code a codebook slug, every sentence coded twice."""
    rows = [json.loads(line) for line in (GOLD / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    slugs = set(load_codebook().slugs)
    assert len(rows) >= 400 and len({r["id"] for r in rows}) == len(rows)
    spanish = [r for r in rows if r["language"] == "es"]
    assert len(spanish) * 2 >= len(rows)
    for language in ("en", "es"):
        negatives = [r for r in rows if r["language"] == language and not r["frames"]]
        assert len(negatives) >= 50, language
    assert all(set(r["frames"]) <= slugs and r["tone"] in ("negative", "neutral", "positive") for r in rows)
    for coder in ("a", "b"):
        coded = {json.loads(line)["id"] for name in (f"coder_{coder}_en.jsonl", f"coder_{coder}_es.jsonl")
                 for line in (GOLD / name).read_text(encoding="utf-8").splitlines()}
        assert coded == {r["id"] for r in rows}
    assert {r["half"] for r in rows} == {"dev", "heldout"}
    assert all((r["half"] == "dev") == (int(r["id"].rsplit("-", 1)[1]) % 2 == 1) for r in rows)


@pytest.mark.parametrize("round_", ["round2", "round3", "round4", "round5", "round6", "round7"])
def test_fresh_held_out_round_is_complete(round_):
    """Rounds 2-7 (data/gold/roundN): 400 sentences each, written after the codebook they first
    measured, by new writers, coded twice and adjudicated; not repeating an earlier round."""
    rows = [json.loads(line) for line in (GOLD / round_ / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    slugs = set(load_codebook().slugs)
    assert len(rows) == 400 and len({r["id"] for r in rows}) == 400
    assert sum(r["language"] == "es" for r in rows) == 200
    for language in ("en", "es"):
        assert sum(1 for r in rows if r["language"] == language and not r["frames"]) >= 50, language
    assert all(set(r["frames"]) <= slugs and r["half"] in ("heldout", "repeat") for r in rows)
    for coder in ("a", "b"):
        coded = {json.loads(line)["id"] for path in (GOLD / round_).glob(f"coder_{coder}_*.jsonl")
                 for line in path.read_text(encoding="utf-8").splitlines()}
        assert coded == {r["id"] for r in rows}
    decided = {json.loads(line)["id"] for path in (GOLD / round_).glob("adjudication_*.jsonl")
               for line in path.read_text(encoding="utf-8").splitlines()}
    assert decided == {r["id"] for r in rows if r["source"] == "adjudicated"}
    # no sentence of an earlier round comes back
    earlier = [GOLD / "gold.jsonl"] + [GOLD / f"round{n}" / "gold.jsonl" for n in range(2, int(round_[-1]))]
    texts = {json.loads(line)["text"] for path in earlier for line in path.read_text(encoding="utf-8").splitlines()}
    # (page furniture such as "Foto: Cortesía / Archivo." may recur: two writers can both write it;
    # a longer sentence an earlier round had is kept but marked "repeat", outside the held-out subset)
    heldout = {r["text"] for r in rows if r["half"] == "heldout"}
    assert all(len(text.split()) <= 6 for text in texts & heldout)
    assert all(r["text"] in texts and len(r["text"].split()) > 6 for r in rows if r["half"] == "repeat")


def test_evaluate_on_the_held_out_gold_set(run_cli):
    """Regression floors just under the figures the README reports for the fresh held-out round 7
    (2026-11-25, 399 held-out sentences: first measurement 0.808; with the codebook after rounds 5
    and 6 were read, micro-F1 0.809; en 0.827, es 0.791; terrorist_designation 0.894,
    military_action 0.868, cooperation 0.900, sovereignty 0.837). The issue's targets (0.90
    overall, 0.85 per language, 0.90 for four frames) are not met."""
    result = run_cli("evaluate", GOLD / "round7" / "gold.jsonl", "--subset", "half=heldout", "--min-micro-f1", "0.80",
                     "--min-language-f1", "0.78", "--min-frame-f1", "terrorist_designation=0.88",
                     "--min-frame-f1", "cooperation=0.88", "--min-frame-f1", "military_action=0.85",
                     "--min-frame-f1", "sovereignty=0.82")
    assert result.exit_code == 0, result.output
    assert "== es: 199 sentences" in result.output and "== en: 200 sentences" in result.output
    # The figures the methodology page shows are the held-out ones, for the shipped codebook.
    saved = json.loads((pathlib.Path(__file__).parent.parent / "datasette_framing" / "validation.json").read_text())
    assert saved["subset"] == "half=heldout" and saved["sentences"] == 399
    assert saved["gold"].endswith("round7/gold.jsonl")
    assert saved["codebook_sha256"] == load_codebook().sha256
    # Rounds 1-6 are development data: the codebook was written from their errors.
    for gold, floor in (("gold.jsonl", "0.92"), ("round2/gold.jsonl", "0.92"), ("round3/gold.jsonl", "0.84"),
                        ("round4/gold.jsonl", "0.84"), ("round5/gold.jsonl", "0.85"), ("round6/gold.jsonl", "0.82")):
        result = run_cli("evaluate", GOLD / gold, "--min-micro-f1", floor)
        assert result.exit_code == 0, result.output


def test_evaluate_saves_before_a_closed_pipe(tmp_path):
    """`evaluate ... --save F --errors E | head -1`: when the reader is gone before the report is
    printed, the files are still written (they used to be written after it, and were lost).
    `true` reads nothing and exits at once, long before the gold set is scored."""
    import subprocess
    import sys
    saved, errors = tmp_path / "scores.json", tmp_path / "errors.jsonl"
    command = pathlib.Path(sys.executable).parent / "datasette-framing"
    script = (f"{command} evaluate {GOLD / 'gold.jsonl'} "
              f"--save {saved} --errors {errors} | true")
    subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120)
    assert json.loads(saved.read_text())["sentences"] == 500
    assert errors.read_text().count("\n") >= 1


def test_evaluate_subset_errors(run_cli):
    assert "expected FIELD=VALUE" in run_cli("evaluate", GOLD / "gold.jsonl", "--subset", "half").output
    result = run_cli("evaluate", GOLD / "gold.jsonl", "--subset", "half=nope")
    assert result.exit_code == 1 and "no gold sentences with half = 'nope'" in result.output


def test_tag_survives_bad_bytes_bom_and_lone_surrogates(tmp_path, run_cli):
    path = tmp_path / "in.jsonl"
    path.write_bytes("\ufeff".encode() + b'{"text": "La soberan\xc3\xada no se negocia.", "language": "es"}\n'
                     b'{"text": "CIA drones \\ud800 over Mexico", "language": 5}\n')
    result = run_cli("tag", path)
    assert result.exit_code == 0, result.output
    first, second = [json.loads(line) for line in result.output.splitlines()]
    assert first["frames"] == ["sovereignty"]  # the BOM did not turn the JSON into plain text
    assert second["frames"] == ["military_action"] and second["language"] == "en"
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"The CIA flew drones.\nCaf\xe9 latin-1\n")
    result = run_cli("tag", bad)
    assert result.exit_code == 1 and "line 2: not valid UTF-8 (byte 0xe9 at column 4)" in result.output


@pytest.mark.parametrize("pattern", ["fiscal general|fiscales", "sin juicio|sin pruebas", "narco politic*|narco state",
                                     "derecho internacional humanitario|derecho internacional"])
def test_phrase_alternatives_written_with_a_pipe_are_refused(pattern):
    """'|' alternates single words in one place; the shipped codebook had ~30 patterns that
    meant alternative phrases and silently matched almost nothing."""
    with pytest.raises(CodebookError) as e:
        compile_codebook({"frames": [{"slug": "x", "patterns": {"es": [pattern]}}]})
    assert "write alternative phrases in a group, '(fiscal general|fiscales)'" in str(e.value) and pattern in str(e.value)
    # The same alternatives within one place stay valid.
    compile_codebook({"frames": [{"slug": "x", "patterns": {"es": ["fiscal general|federal", "sin juicio|pruebas"]}}]})


def test_a_group_of_phrases_stands_for_one_pattern_per_phrase():
    """'(a b|c) d' is what 'a b|c d' was mistaken for: the phrase 'a b d' or the phrase 'c d'."""
    codebook = compile_codebook({"frames": [{"slug": "x", "patterns": {
        "es": ["(fiscal general|fiscales) renunci*"],
        "en": ["(united states|u s)? drone strike*", "(real estate|arms) deal|deals"]}}]})
    cases = [("es", "Dijo que la fiscal general renunció ayer.", "fiscal general renunció"),
             ("es", "Los fiscales renunciaron en bloque.", "fiscales renunciaron"),
             ("en", "A U.S. drone strike hit the lab.", "U.S. drone strike"),
             ("en", "The drone strikes went on.", "drone strikes"),
             ("en", "They closed real estate deals.", "real estate deals"),
             ("en", "An arms deal in Sonora.", "arms deal")]
    for language, text, term in cases:
        assert [hit.term for hit in match_sentence(text, language, codebook).hits] == [term], text
    # Neither phrase is matched by half of the other one.
    for language, text in (("es", "La fiscal general dijo que no renunciará."), ("en", "It was a real deal."),
                           ("en", "The estate deals closed."), ("es", "El general renunció.")):
        assert match_sentence(text, language, codebook).hits == [], text
    # A hit names the phrase that matched, not the group.
    hit, = match_sentence("Los fiscales renunciaron.", "es", codebook).hits
    assert hit.pattern == "fiscales renunci*"


def test_a_group_in_a_codebook_file_of_ones_own(tmp_path, run_cli):
    """A journalist's YAML, written unquoted: a leading bracket is plain YAML, not a mapping."""
    codebook = tmp_path / "deals.yml"
    codebook.write_text("frames:\n  - slug: deals\n    patterns:\n      en:\n"
                        "        - (real estate|arms) deal|deals\n", encoding="utf-8")
    result = run_cli("tag", "-", "--codebook", codebook, "--language", "en",
                     input="Two arms deals and a real estate deal.\nA real deal.\n")
    assert result.exit_code == 0, result.output
    first, second = [json.loads(line) for line in result.output.splitlines()]
    assert [hit["term"] for hit in first["hits"]] == ["arms deals", "real estate deal"]
    assert second["frames"] == []
    codebook.write_text(codebook.read_text().replace("deal|deals", "deal|deals)"), encoding="utf-8")
    result = run_cli("tag", "-", "--codebook", codebook, input="A deal.\n")
    assert result.exit_code == 1
    assert "deals.yml: frames.deals.patterns.en[0]: pattern '(real estate|arms) deal|deals)' closes a ')'" in result.output


@pytest.mark.parametrize("pattern,message", [
    ("(fiscal general|fiscales", "opens a '(' it never closes"),
    ("fiscal general|fiscales)", "closes a ')' it never opened"),
    ("((fiscal general)|fiscales)", "puts a group inside a group"),
    ("el(fiscal general|fiscales)", "must stand apart, with a space on each side"),
    ("(fiscal general||fiscales)", "empty phrase in the group"),
    ("(a|b) (c|d) (e|f) (g|h) (i|j) (k|l) (m|n)", "stands for more than 64 patterns"),
])
def test_a_mistaken_group_is_refused_with_its_place(pattern, message):
    data = {"frames": [{"slug": "x", "patterns": {"es": ["soberan*", pattern]}}]}
    with pytest.raises(CodebookError) as e:
        compile_codebook(data, "mine.yml")
    assert str(e.value).startswith("mine.yml: frames.x.patterns.es[1]: ") and message in str(e.value)


# Passing mentions (CODEBOOK.md, "Unit and rule of thumb"): sentences written for these tests.
@pytest.mark.parametrize("language,text,absent,present", [
    # a list of topics naming several frames: its items are passing mentions
    ("en", "Officials from both countries met in Washington to discuss tariffs, migration and fentanyl.",
     {"economy_trade", "migration_border", "drugs"}, set()),
    ("es", "El gabinete habló de aranceles, migración, y el consumo de fentanilo.",
     {"economy_trade", "migration_border", "drugs"}, set()),
    # a list of one frame's terms is what the sentence says, not a list of topics
    ("en", "Sheinbaum rejected interference, subordination and unilateral action.", set(), {"sovereignty"}),
    # commas around a clause are not a list
    ("en", "Mexican marines, acting on U.S. intelligence, raided a lab and arrested five suspects.",
     set(), {"law_enforcement"}),
    ("es", "Pidieron cooperar con México, porque frenar el fentanilo y el tráfico de armas exige un socio.",
     set(), {"drugs", "arms_trafficking", "cooperation"}),
    # a contrast is not a list item: "coordination, never subordination or intervention"
    ("en", "Mexico said it will rest on coordination, never on subordination or intervention.",
     set(), {"cooperation", "sovereignty"}),
    ("es", "México dijo que habrá coordinación, nunca subordinación ni injerencia.",
     set(), {"cooperation", "sovereignty"}),
    # phrases that had been written as "a b|c d" (which means a, b|c, d) and matched nothing
    ("es", "Organizaciones civiles denunciaron que se violaron las garantías individuales de los detenidos por narcotráfico.",
     set(), {"human_rights"}),
    ("es", "Defensores de derechos acusan que la militarización recorta las libertades civiles en la frontera.",
     set(), {"human_rights"}),
    ("en", "The transfer of cartel bosses was read in Washington as a goodwill gesture by Mexico.", set(), {"cooperation"}),
    ("en", "Officials refused to rule out sending U.S. special forces into Mexico after the strikes.", set(),
     {"sovereignty"}),
    # consent expressed by possession ("mexico s? ...|say so|blessing" had needed a fourth word)
    ("en", "The president said the flights took place with Mexico's agreement.", set(), {"sovereignty"}),
    ("en", "No foreign aircraft enters without Mexico's say-so.", set(), {"sovereignty"}),
    # what follows an off-topic cue, to the end of its clause, is set aside; the rest counts
    ("en", "Despite the headline, the survey has nothing to do with military drones; it counts bees.",
     {"military_action"}, set()),
    ("en", "The memo has nothing to do with tariffs; it describes U.S. drone strikes on cartel labs.",
     {"economy_trade"}, {"military_action"}),
    ("es", "El informe no tiene nada que ver con la migración; trata de los vuelos de espionaje de la CIA.",
     {"migration_border"}, {"military_action"}),
    # a label or designation that is "no licence to invade": sovereignty (rounds 5 and 6)
    ("en", "Mexican officials insist the cartel label is no invitation to intervene, whatever Washington says.",
     set(), {"sovereignty", "terrorist_designation"}),
    ("es", "La designación no puede ser la excusa para entrar, advirtió la presidenta.", set(), {"sovereignty"}),
    ("en", "Critics call the amnesty an invitation to cross the border illegally.", {"sovereignty"}, set()),
    ("en", "The drone flights were made with the Mexican government's agreement, officials said.", set(), {"sovereignty"}),
    ("es", "Tropas extranjeras: esa es la línea roja del gobierno.", set(), {"sovereignty"}),
    ("es", "Colaborar, sí; someterse, nunca, repitió la cancillería.", set(), {"sovereignty"}),
    ("en", "Senators asked whether the new listing changes the rules of engagement for U.S. forces.", set(),
     {"military_action"}),
    ("es", "Analistas no descartan operaciones cinéticas de Estados Unidos contra laboratorios.", set(), {"military_action"}),
    ("es", "Aseguradoras temen que el sello de terrorismo encarezca las pólizas en el norte.", set(),
     {"terrorist_designation"}),
    # generic "agree", "deal" and "share" that are not governments working together
    ("en", "Mexico's security chief says his country can deal with its own cartels without Washington.", {"cooperation"},
     set()),
    ("en", "The video of the U.S. senator in Mexico City was shared widely online.", {"cooperation"}, set()),
    ("en", "Officials in Washington and Mexico City traced the rifles to an arms deal in Sonora.", {"cooperation"}, set()),
    # an invasion needs a country, a force or a territory to be military
    ("en", "An invasion of water lilies has choked the lake, fishermen say.", {"military_action"}, set()),
    ("en", "Trump has not ruled out an invasion of Mexico to go after the cartels.", set(), {"military_action"}),
    ("es", "Una invasión de lirio acuático cubre la presa.", {"military_action"}, set()),
])
def test_passing_mentions_and_contexts(codebook, language, text, absent, present):
    frames = set(match_sentence(text, language, codebook).frames)
    assert not frames & absent and present <= frames, frames


def test_list_items():
    from datasette_framing.analysis.frames import list_items
    text = "The memorandum of understanding covers extradition requests, financial intelligence and training."
    (items,) = list_items(text, {"and", "or"}, 4)
    # the first item is as long as the longest middle item: "understanding" stays outside
    assert [text[s:e] for s, e in items] == ["extradition requests", "financial intelligence", "training"]
    assert list_items("Tariffs and migration were discussed.", {"and"}, 4) == []
    # an item opening a clause ends the list
    assert list_items("Mexican marines, acting on U.S. intelligence, raided a lab and arrested five.",
                      {"and"}, 4, {"*ing", "*ed"}) == []
    assert list_items("They met; after that, we talked, ate and left.", {"and"}, 4, {"*ed"}) != []


def test_passing_section_errors():
    for spec, where in [({"lists": {"min_items": 0}}, "passing.lists.min_items"),
                        ({"lists": {"conjunctions": ["and"]}}, "passing.lists.conjunctions"),
                        ({"nope": 1}, "passing"),
                        ({"lists": {"breaks": {"en": ["never", False]}}}, "passing.lists.breaks.en"),
                        ({"off_topic": {"en": ["a|"]}}, "passing.off_topic.en[0]")]:
        with pytest.raises(CodebookError) as e:
            compile_codebook({"frames": [{"slug": "x", "patterns": {"en": ["y"]}}], "passing": spec})
        assert where in str(e.value)
    # a custom codebook without the section keeps every hit
    custom = compile_codebook({"frames": [{"slug": "a", "patterns": {"en": ["rain"]}},
                                          {"slug": "b", "patterns": {"en": ["snow"]}}]})
    assert match_sentence("We spoke of rain, snow and wind.", "en", custom).frames == ["a", "b"]


def test_with_cue_must_be_another_word():
    """A `with` context that contains the matched word itself does not vouch for it."""
    custom = compile_codebook({
        "contexts": {"military": {"en": ["troop*", "intervention*"]}},
        "frames": [{"slug": "sovereignty", "patterns": {"en": [
            {"match": "intervention*", "with": ["$military", "foreign"]},
            {"match": "violat* ... territory", "with": ["mexic*"]}]}}]})
    assert match_sentence("The restorers' intervention saved the painting.", "en", custom).frames == []
    assert match_sentence("Any intervention by foreign troops is rejected.", "en", custom).frames == ["sovereignty"]
    # a word a `...` gap skipped is another word: "Mexican" between "violated" and "territory"
    assert match_sentence("The flight violated Mexican territory.", "en", custom).frames == ["sovereignty"]
    assert match_sentence("The flight violated the territory.", "en", custom).frames == []


def test_frame_requires_context():
    """`requires`: every hit of the frame needs one of these somewhere in the sentence."""
    custom = compile_codebook({
        "contexts": {"story": {"en": ["cartel*", "fentanyl"], "es": ["cartel*"]}},
        "frames": [{"slug": "law_enforcement", "requires": {"en": ["$story", "extradit*"]},
                    "patterns": {"en": ["arrest*", "extradit*", {"match": "seiz*", "with": ["police"]}],
                                 "es": ["detuv*"]}}]})
    assert match_sentence("Police arrested a man for stealing bicycles.", "en", custom).frames == []
    assert match_sentence("Police arrested a Sinaloa cartel operative.", "en", custom).frames == ["law_enforcement"]
    assert match_sentence("The extradition hearing opened on Monday.", "en", custom).frames == ["law_enforcement"]
    assert match_sentence("Police seized fentanyl pills.", "en", custom).frames == ["law_enforcement"]
    assert match_sentence("Police seized a stolen car.", "en", custom).frames == []
    # a language the frame sets no `requires` for keeps every hit
    assert match_sentence("La policía detuvo a un ladrón.", "es", custom).frames == ["law_enforcement"]
    with pytest.raises(CodebookError) as e:
        compile_codebook({"frames": [{"slug": "x", "requires": {"en": "cartel"}, "patterns": {"en": ["y"]}}]})
    assert "frames.x.requires.en" in str(e.value)


def test_codebook_refuses_a_key_given_twice(tmp_path):
    bad = tmp_path / "twice.yml"
    bad.write_text("frames:\n  - slug: x\n    patterns:\n      en:\n"
                   "        - {match: a, without: [b], with: [c], without: [d]}\n")
    with pytest.raises(CodebookError) as e:
        load_codebook(bad)
    assert "twice.yml" in str(e.value) and "'without' appears twice" in str(e.value) and "line 5" in str(e.value)


@pytest.mark.parametrize("language", ["en", "es"])
def test_everyday_news_gets_no_frame(codebook, language):
    """tests/fixtures/offtopic_*.jsonl: 400 everyday news sentences per language, written by the
    team (sports, health, courts, weather, markets, culture...), about half of them with a false
    friend (operation, strike, invasion, victims, sovereign, arrest, agreement...), none on this
    story. At the session-start codebook of 2026-11-25, 50 English and 63 Spanish ones got a
    frame; now 3 and 1. The floor allows 2 %."""
    path = pathlib.Path(__file__).parent / "fixtures" / f"offtopic_{language}.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 400 and all(r["language"] == language for r in rows)
    framed = [(r["id"], frames) for r in rows if (frames := match_sentence(r["text"], language, codebook).frames)]
    assert len(framed) <= 8, framed
