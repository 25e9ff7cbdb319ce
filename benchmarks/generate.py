"""A synthetic corpus for benchmarks: both languages, both countries, both kinds, a year of
dates, frame-bearing and neutral sentences.  Sentences are built from templates written by
the team; the corpus is for measuring speed, not for reading."""
import datetime as dt
import json
import random

EN = [
    "{official} said the designation of the cartels as foreign terrorist organizations would protect Americans.",
    "Officials said the surveillance flights over {place} were carried out in cooperation with Mexico.",
    "{mx_official} said that Mexico would coordinate with Washington but never accept subordination.",
    "The CIA has flown MQ-9 Reaper drones over {place} to locate fentanyl labs, according to officials.",
    "Tariffs on Mexican goods took effect on {weekday}, raising costs for importers.",
    "Customs agents seized {n} pounds of fentanyl at the port of entry in {border_city}.",
    "Most guns recovered at crime scenes in Mexico were smuggled from the United States.",
    "Rights groups warned that strikes could kill civilians without due process.",
    "Migrants waited at the border as asylum rules changed again.",
    "The city council approved a new budget for parks and libraries on {weekday}.",
    "Prosecutors said the mayor had ties to organized crime and enjoyed impunity.",
    "Remittances from workers in the United States reached {n} million dollars last month.",
    "Analysts said the designation could expose banks to charges of material support for terrorism.",
    "The weather service expects heavy rain across the region through the weekend.",
    "Mexico transferred {n} cartel figures to the United States to face prosecution.",
    "Trump said strikes on cartels inside Mexico would be fine with him.",
    "Sheinbaum rejected any U.S. military action on Mexican soil.",
    "The two governments announced a high-level security group after talks in Mexico City.",
    "Overdose deaths fell for the third straight quarter, health officials said.",
    "The team won its third straight game on {weekday} night.",
]
ES = [
    "La presidenta afirmó que la soberanía no se negocia y que habrá coordinación, nunca subordinación.",
    "El gobierno estadounidense designó a seis cárteles como organizaciones terroristas extranjeras.",
    "{mx_official} señaló que no tenía información sobre los vuelos de vigilancia en {place}.",
    "Analistas temen ataques con drones contra laboratorios de fentanilo en {place}.",
    "Los aranceles de 25 por ciento afectarían las exportaciones de {place}.",
    "La Fiscalía informó del aseguramiento de {n} kilos de metanfetamina en {border_city}.",
    "México exige frenar el tráfico de armas provenientes de Estados Unidos.",
    "Organizaciones de derechos humanos acompañan a las familias de personas desaparecidas.",
    "Miles de migrantes esperan en la frontera norte una cita de asilo.",
    "El ayuntamiento inauguró un parque y una biblioteca el {weekday_es}.",
    "La colusión entre autoridades locales y el crimen organizado alimenta la impunidad.",
    "Las remesas sumaron {n} millones de dólares el mes pasado, informó el banco central.",
    "El Senado aprobó la reforma al artículo 40 que rechaza cualquier intervención extranjera.",
    "Se esperan lluvias fuertes en el centro del país durante el fin de semana.",
    "El gobierno trasladó a {n} presuntos integrantes de cárteles a Estados Unidos.",
    "Ambos gobiernos acordaron un intercambio de información de inteligencia.",
    "La soberanía alimentaria depende del maíz nativo, dijo un investigador.",
    "Hubo coordinación entre la Defensa y la Guardia Nacional en {place}.",
    "Las muertes por sobredosis preocupan a las autoridades de salud.",
    "El equipo ganó su tercer partido consecutivo el {weekday_es} por la noche.",
]
PLACES = ["Sinaloa", "Sonora", "Chihuahua", "Baja California", "Tamaulipas", "Michoacán", "Jalisco"]
CITIES = ["Nogales", "San Ysidro", "Laredo", "El Paso", "Tijuana", "Ciudad Juárez"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
WEEKDAYS_ES = ["lunes", "martes", "miércoles", "jueves", "viernes"]
OFFICIALS = ["Rubio", "The secretary of state", "A State Department spokesperson", "Hegseth"]
MX_OFFICIALS = ["Sheinbaum", "El canciller De la Fuente", "El general Trevilla", "García Harfuch"]
OUTLETS = {("US", "coverage"): ["Wire A", "Daily B", "Times C", "Post D", "Network E"],
           ("US", "official"): ["Department of State", "White House"],
           ("MX", "coverage"): ["Diario A", "Periódico B", "Noticias C", "Semanario D", "Portal E"],
           ("MX", "official"): ["Presidencia", "Cancillería"]}


def sentence(rng, templates):
    return rng.choice(templates).format(
        official=rng.choice(OFFICIALS), mx_official=rng.choice(MX_OFFICIALS), place=rng.choice(PLACES),
        border_city=rng.choice(CITIES), weekday=rng.choice(WEEKDAYS), weekday_es=rng.choice(WEEKDAYS_ES),
        n=rng.randint(2, 900))


def documents(count, seed=2025, min_sentences=8, max_sentences=16, prefix="bench"):
    rng = random.Random(seed)
    start = dt.date(2025, 1, 1)
    for i in range(count):
        country = "US" if rng.random() < 0.5 else "MX"
        kind = "official" if rng.random() < 0.2 else "coverage"
        language = ("en" if rng.random() < 0.9 else "es") if country == "US" else ("es" if rng.random() < 0.9 else "en")
        templates = EN if language == "en" else ES
        text = " ".join(sentence(rng, templates) for _ in range(rng.randint(min_sentences, max_sentences)))
        yield {
            "id": f"{prefix}-{i}", "title": sentence(rng, templates)[:80], "text": text,
            "outlet": rng.choice(OUTLETS[(country, kind)]), "country": country, "kind": kind,
            "language": language, "published": (start + dt.timedelta(days=rng.randint(0, 333))).isoformat(),
        }


def write_jsonl(path, count, seed=2025, prefix="bench", sentences=(8, 16)):
    """``count`` documents of ``sentences`` (min, max) sentences each, as JSON Lines."""
    with open(path, "w", encoding="utf-8") as fp:
        for doc in documents(count, seed, sentences[0], sentences[1], prefix=prefix):
            fp.write(json.dumps(doc, ensure_ascii=False) + "\n")
