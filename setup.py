from setuptools import setup, find_packages
import os

VERSION = "0.1.0"


def get_long_description():
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "README.md"), encoding="utf8") as fp:
        return fp.read()


setup(
    name="datasette-framing",
    description="Compare how two sides of a story frame it: a Datasette plugin and CLI "
    "for bilingual (English/Spanish) frame analysis of news and official statements",
    long_description=get_long_description(),
    long_description_content_type="text/markdown",
    version=VERSION,
    license="Apache License, Version 2.0",
    packages=find_packages(exclude=["tests", "tests.*", "benchmarks"]),
    package_data={
        "datasette_framing": ["templates/*.html", "static/*", "codebooks/*.yml", "validation.json"],
    },
    python_requires=">=3.10",
    install_requires=[
        "datasette>=0.65",
        "sqlite-utils>=3.35",
        "textblob>=0.17",
        "click>=8.0",
        "pyyaml>=6.0",
        "trafilatura>=1.6",
        "feedparser>=6.0",
        "dateparser>=1.1",
        "py3langid>=0.2.2",
        "python-frontmatter>=1.0",
        "sentencex>=1.0",
        "snowballstemmer>=2.2",
        "numpy>=1.22",
    ],
    extras_require={
        "dask": ["dask[distributed]>=2024.1"],
        "test": [
            "pytest>=7",
            "pytest-asyncio>=0.21",
            "hypothesis>=6",
            "playwright>=1.40",
        ],
    },
    entry_points={
        "datasette": ["framing = datasette_framing"],
        "console_scripts": ["datasette-framing = datasette_framing.cli:cli"],
    },
)
