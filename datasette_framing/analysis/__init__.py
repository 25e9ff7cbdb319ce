"""The framing engine: sentences, codebook frames with evidence, tone, quotes, actors, stance.

Small pure functions composed by :class:`datasette_framing.analysis.pipeline.Engine`.
"""
