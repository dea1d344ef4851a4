"""The five documents lrviz was built from, with their titles in English.

They are short Chinese notes on learning rates; the gallery's captions cite them as
"document N" (see ``gallery/README.md``, which lists them) and ``lrviz show`` names
the ones that describe a schedule. This module only holds text: it imports nothing.
"""

from __future__ import annotations

from typing import NamedTuple


class Document(NamedTuple):
    title: str  # in English
    original: str  # the title as written, or what stands in for a missing one
    about: str  # what lrviz takes from it


DOCUMENTS: dict[int, Document] = {
    1: Document("A study of learning-rate strategies in deep learning",
                "深度学习中学习率策略的研究, Zhu Meng, 2025",
                "a moderate learning rate and the implicit gradient penalty (eq. 7), the decay factor "
                "written as keyframes {t1: r1, ...} (formulas 8-11, Figure 1), r_min per optimizer, and "
                "counting steps across epochs"),
    2: Document("Learning rate",
                "学习率",
                "a learning rate too large or too small (Figure 1), linear warmup, and TensorFlow's "
                "piecewise constant, exponential, natural exponential and polynomial decay (Figures 2-5)"),
    3: Document("The role of the learning rate and how to tune it",
                "an untitled note, 2025",
                "step decay, grid search, warm-up and cyclical learning rates"),
    4: Document("Learning-rate strategies",
                "学习率策略",
                "PyTorch's StepLR, ExponentialLR, MultiStepLR, warm-up, cosine annealing and OneCycleLR"),
    5: Document("Learning rate: the classic ways to adjust it",
                "学习率 (learning rate)",
                "TensorFlow's decay functions (piecewise, exponential, natural exponential, polynomial, "
                "inverse time, cosine and its linear and noisy variants) and the optimizers SGD, momentum, "
                "NAG, Adagrad, Adadelta, RMSprop, Adam and AdamW"),
}


def cited(number: int) -> str:
    """``document 4, "Learning-rate strategies"``: how a document is named in running text."""
    return f'document {number}, "{DOCUMENTS[number].title}"'


def listing() -> list[str]:
    """One Markdown list item per document: number, English title, original title, what lrviz uses."""
    return [f"{n}. *{d.title}* ({d.original}): {d.about}." for n, d in DOCUMENTS.items()]
