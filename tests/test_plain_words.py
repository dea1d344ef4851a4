"""User-facing text says what a thing is, never "seed" for the documents lrviz was built from (issue 16, item 11).

The rule the tests check, on config file names, figure titles, captions and labels,
``lrviz show`` of every registered name, every ``--help`` text, the README and the
gallery index:

- "seed" appears only as a random seed: ``random seed``, ``seeded``, ``the same seed``,
  ``--seed``, a parameter written ``seed=``, ``seed:``, `` `seed` ``, ``(seed, t)`` or
  in ``lrviz show``'s parameter list, or inside an identifier (``noise_seed``,
  ``seed_everything``); "seed 000", "seed 003's", "the seed documents" fail;
- a document is cited as "document N", N from 1 to 5, the numbers of
  :mod:`lrviz.documents`; a caption that cites one ends with "From document N, ...".
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer
import yaml
from typer.testing import CliRunner

from lrviz import documents, registry
from lrviz.analysis.describe import describe
from lrviz.cli import app

ROOT = Path(__file__).resolve().parent.parent
CONFIGS = ROOT / "configs"
GALLERY = ROOT / "gallery"

RANDOM_SEED = re.compile(r"random seeds?\b|seeded\b|--seed\b|\bseed\s*[=:]|`seed`|\w_seeds?\b|\bseed_\w"
                         r"|\(seed, t\)|same seed\b|^  seed {2,}", re.I | re.M)  # the last: show's parameter list
DOCUMENT = re.compile(r"\bdocuments? (\d+)", re.I)


def document_seeds(text: str) -> list[str]:
    """Every "seed" of ``text`` that is not a random seed, with some context."""
    allowed = [m.span() for m in RANDOM_SEED.finditer(text)]
    bad = []
    for m in re.finditer(r"seed", text, re.I):
        if not any(lo <= m.start() < hi for lo, hi in allowed):
            bad.append(text[max(0, m.start() - 30):m.end() + 30].replace("\n", " "))
    return bad


def bad_document_numbers(text: str) -> list[str]:
    return [m.group(0) for m in DOCUMENT.finditer(text) if int(m.group(1)) not in documents.DOCUMENTS]


# ---- the rule itself ----------------------------------------------------------------------


@pytest.mark.parametrize("text", ["Seed 003: StepLR(step_size=30, gamma=0.1)", "described in: seed 000, ...",
                                  "seed 002's grid search", "Step decay (seeds 002, 003)", "the seed documents",
                                  "red in the seed", "as the seed writes them"])
def test_the_rule_refuses_seed_for_a_document(text):
    assert document_seeds(text)


@pytest.mark.parametrize("text", ["random seed 0", "with seeded Gaussian noise", "--seed 3", "seed=0",
                                  "params: {noise: 1.0, seed: 0}", "`noise`, `seed`", "timm's noise_seed",
                                  "seed_everything: 42", "a pure function of (seed, t)", "the same seed",
                                  "parameters:\n  seed              whole number; default 0"])
def test_the_rule_lets_a_random_seed_pass(text):
    assert not document_seeds(text)


def test_the_rule_refuses_a_document_that_does_not_exist():
    assert bad_document_numbers("From document 6, Figure 1.") == ["document 6"]
    assert bad_document_numbers("From document 5, section 1.3.") == []


# ---- configs and the gallery --------------------------------------------------------------


def _configs():
    return sorted(CONFIGS.glob("*.yaml"))


def _strings(data, key=""):
    """(key, text) of every title, caption and label in a parsed config."""
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _strings(v, k)
    elif isinstance(data, list):
        for v in data:
            yield from _strings(v, key)
    elif isinstance(data, str) and key in ("title", "caption", "label"):
        yield key, data


def test_config_and_gallery_file_names_say_what_they_show():
    names = [p.name for p in _configs()] + [p.name for p in GALLERY.iterdir()]
    assert len(names) > 40
    bad = [n for n in names if "seed" in n.lower() or re.search(r"\d{3}", n)]
    assert bad == []


@pytest.mark.parametrize("path", _configs(), ids=lambda p: p.name)
def test_titles_captions_and_labels(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    texts = list(_strings(data))
    assert any(key == "title" for key, _ in texts)
    for key, text in texts:
        assert document_seeds(text) == [], f"{path.name} {key}"
        assert bad_document_numbers(text) == [], f"{path.name} {key}"
        if key != "caption":
            assert not DOCUMENT.search(text), f"{path.name}: only captions cite documents; {key}: {text}"
    caption = data.get("caption", "")
    if DOCUMENT.search(caption):
        assert re.search(r"From document [1-5]\b[^\n]*\.$", caption), f"{path.name}: {caption[-80:]}"


def test_the_gallery_index_lists_the_five_documents_once():
    index = (GALLERY / "README.md").read_text(encoding="utf-8")
    assert document_seeds(index) == []
    assert bad_document_numbers(index) == []
    for n, doc in documents.DOCUMENTS.items():
        assert index.count(f"{n}. *{doc.title}* ({doc.original})") == 1
    assert len(documents.DOCUMENTS) == 5


def test_readme():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert document_seeds(text) == []
    assert bad_document_numbers(text) == []
    assert "seed00" not in text


# ---- lrviz show and --help ----------------------------------------------------------------


def test_show_of_every_registered_name():
    names = registry.names()
    assert len(names) > 30
    for name in names:
        text = describe(name)
        assert document_seeds(text) == [], name
        assert bad_document_numbers(text) == [], name


def test_show_names_a_document_by_its_title():
    text = describe("keyframes")
    assert f'document 1, "{documents.DOCUMENTS[1].title}"' in text
    assert "seed" not in text.lower()


def _commands(command, path: tuple[str, ...] = ()):
    """The path of every command and subcommand of a click (or typer's own) command tree."""
    yield path
    for name, sub in (getattr(command, "commands", None) or {}).items():
        yield from _commands(sub, path + (name,))


def test_every_help_text():
    runner = CliRunner()
    paths = list(_commands(typer.main.get_command(app)))
    assert len(paths) > 10 and ("playground",) in paths
    for path in paths:
        result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "200"})
        assert result.exit_code == 0, (path, result.output)
        assert document_seeds(result.output) == [], path
        assert bad_document_numbers(result.output) == [], path
        assert "seed00" not in result.output, path
