"""Shared fixtures: one statistical pipeline per session, the seed article, the dev set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from kg.ingest import read_path
from kg.settings import Settings

TESTS = Path(__file__).parent
EVAL = TESTS.parent / "eval"  # copies of shared/eval, so that a fresh clone runs the accuracy gates

# Property tests draw the same examples on every run (CI never fails on a new draw); set
# HYPOTHESIS_PROFILE=explore to search afresh, and keep what it finds as a test of its own.
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="Rewrite the golden files from the current output.")


@pytest.fixture(scope="session")
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


@pytest.fixture(scope="session")
def pipeline():
    """The full ir-kg pipeline on the default model (built once)."""
    from kg.nlp import Pipeline

    return Pipeline(Settings())


@pytest.fixture(scope="session")
def seed_document():
    (document,) = list(read_path(TESTS / "data" / "seed.jsonl"))
    return document


@pytest.fixture(scope="session")
def seed_extraction(pipeline, seed_document):
    return pipeline.extract(seed_document)


@pytest.fixture(scope="session")
def dev_path() -> Path:
    return EVAL / "dev.jsonl"


@pytest.fixture(scope="session")
def real_path() -> Path:
    return EVAL / "real.jsonl"


@pytest.fixture(scope="session")
def dev_extractions(pipeline, dev_path):
    documents = [d for d in read_path(dev_path)]
    return list(pipeline.extract_many(documents))
