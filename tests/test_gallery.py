"""The gallery is reproducible: regenerating it gives the same files, byte for byte."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from lrviz import gallery

ROOT = Path(__file__).resolve().parent.parent
GALLERY = ROOT / "gallery"
CONFIGS = ROOT / "configs"


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    out = tmp_path_factory.mktemp("gallery")
    cwd = os.getcwd()
    os.chdir(ROOT)  # the same relative paths as `lrviz gallery` run at the repository root
    try:
        figures = gallery.build("configs", str(out), published_as="gallery")
    finally:
        os.chdir(cwd)
    return out, figures


def test_every_config_has_a_png_an_svg_and_a_section(regenerated):
    out, figures = regenerated
    stems = sorted(p.stem for p in CONFIGS.glob("*.yaml"))
    trainers = [f"trainer_{os.path.splitext(path)[0].split(os.sep)[-1]}" for path, _, _ in gallery.trainer_files(str(CONFIGS))]
    assert [f.name for f in figures] == stems + trainers
    assert len(trainers) == len([p for p in (CONFIGS / "trainers").iterdir() if p.is_file()]) - 1  # all but the index
    index = (out / "README.md").read_text()
    for f in figures:
        assert (out / f"{f.name}.png").read_bytes().startswith(b"\x89PNG")
        assert b"<svg" in (out / f"{f.name}.svg").read_bytes()[:500]
        assert f"## {f.title}" in index and f"![{f.title}]({f.name}.png)" in index
        assert f"lrviz {f.command} {f.config_path}{f.options} -o gallery/{f.name}.png" in index
        assert f.caption, f"configs/{f.name}.yaml needs a caption: what it shows and where it comes from"


def test_the_committed_gallery_is_exactly_what_the_configs_draw(regenerated):
    out, _ = regenerated
    committed = (GALLERY / "README.md").read_text() if (GALLERY / "README.md").exists() else ""
    recorded = re.search(r"with matplotlib (\S+)\.$", committed, re.M)
    import matplotlib

    if recorded and recorded.group(1) != matplotlib.__version__:
        pytest.skip(f"gallery drawn with matplotlib {recorded.group(1)}, this is {matplotlib.__version__}")
    made = sorted(p.name for p in out.iterdir())
    assert sorted(p.name for p in GALLERY.iterdir()) == made, "stale or missing files: run `lrviz gallery`"
    changed = [name for name in made if (out / name).read_bytes() != (GALLERY / name).read_bytes()]
    assert not changed, f"figures differ from gallery/: {changed}; run `lrviz gallery` and review the images"


def test_a_broken_config_stops_the_run_before_any_file_changes(tmp_path):
    configs = tmp_path / "configs"
    configs.mkdir()
    (configs / "a.yaml").write_text("caption: ok\nschedules: [cosine]\n")
    (configs / "b.yaml").write_text("schedules: [cosin]\n")
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(Exception) as err:
        gallery.build(str(configs), str(out))
    assert "did you mean cosine" in str(err.value)
    assert list(out.iterdir()) == []
