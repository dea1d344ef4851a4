"""Detection of trainer formats (lrviz/trainers/__init__.py): every shipped example is recognized,
unknown and ambiguous files are refused in one line that names the guess and why, --format overrides."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lrviz.errors import ConfigError
from lrviz.trainers import FORMATS, FormatError, detect, formats, read_trainer_config

EXAMPLES = Path(__file__).parent.parent / "configs" / "trainers"
EXPECTED = {
    "hf_training_args.json": "hf",
    "deepspeed_config.json": "deepspeed",
    "timm_args.yaml": "timm",
    "mmengine_retinanet_1x.py": "mmengine",
    "ultralytics_args.yaml": "ultralytics",
    "lightning_cli.yaml": "lightning",
    "megatron_gpt_pretrain.sh": "megatron",
    "fairseq_transformer_wmt.sh": "fairseq",
    "nemo_megatron_gpt.yaml": "nemo",
    "torchtune_llama3_lora.yaml": "torchtune",
    "axolotl_lora.yaml": "axolotl",
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_shipped_example_is_detected_as_its_format(name):
    fmt, reason = detect(EXAMPLES / name)
    assert fmt == EXPECTED[name]
    assert FORMATS[fmt].TITLE in reason and "\n" not in reason


def test_every_format_with_a_reader_ships_an_example():
    shipped = {p.name for p in EXAMPLES.iterdir() if p.is_file()}
    assert set(EXPECTED) <= shipped
    assert set(EXPECTED.values()) <= set(FORMATS)


def test_an_unknown_file_is_refused_in_one_line(tmp_path):
    path = tmp_path / "notes.yaml"
    path.write_text("title: my run\nbatch: 3\n")
    with pytest.raises(FormatError) as e:
        detect(path)
    text = str(e.value)
    assert "\n" not in text and "a YAML file of no trainer format lrviz knows" in text and "--format" in text


def test_an_ambiguous_file_names_both_guesses_and_why(tmp_path):
    path = tmp_path / "mixed.yaml"
    path.write_text("sched: cosine\nepochs: 10\nwarmup_epochs: 2\nmin_lr: 0.0\n"
                    "lr_scheduler_type: cosine\nper_device_train_batch_size: 8\nnum_train_epochs: 3\nlearning_rate: 0.001\n")
    with pytest.raises(FormatError) as e:
        detect(path)
    text = str(e.value)
    assert "\n" not in text and "ambiguous" in text and "hf (" in text and "timm (" in text
    assert "--format hf or --format timm" in text or "--format timm or --format hf" in text
    config = read_trainer_config(path, format="hf", steps_per_epoch=10)  # --format decides
    assert config.schedules[0].name == "hf.cosine"


def test_format_override_reads_a_file_detection_would_miss(tmp_path):
    path = tmp_path / "args.json"
    path.write_text(json.dumps({"learning_rate": 0.001, "max_steps": 10}))
    with pytest.raises(FormatError):
        detect(path)
    assert read_trainer_config(path, format="hf").total_steps == 10


def test_a_missing_file_is_one_line(tmp_path):
    with pytest.raises(ConfigError, match="no such file"):
        read_trainer_config(tmp_path / "nope.json")


def test_formats_lists_name_and_title():
    assert ("hf", "HuggingFace TrainingArguments") in formats()
