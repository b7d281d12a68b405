"""The bias classifier (exact on the training images) and ρ_model with Clopper–Pearson."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from diffgen.amplify import data as amp_data
from diffgen.amplify.classifier import classify
from diffgen.amplify.colours import COLOUR_MAP
from diffgen.amplify.rho import clopper_pearson, confusion, rho_model


@pytest.mark.parametrize(
    "classes,rho,no_digit",
    [([0, 1], 0.9, False), ([0, 1, 2], 0.33, False), (list(range(10)), 0.5, False),
     (list(range(10)), 0.7, True)],
)  # fmt: skip
def test_classifier_exact_on_training_images(classes, rho, no_digit):
    s = {"source": "digits", "mnist_path": None, "split": "train", "classes": classes, "rho": rho,
         "class_size": None, "no_digit": no_digit, "resolution": 8, "seed": 0}  # fmt: skip
    d = amp_data.build(s)
    got = classify(amp_data.to_model(d.images), allowed=classes)
    assert (got.numpy() == d.biases).all()
    assert (classify(amp_data.to_model(d.images)).numpy() == d.biases).all()


def test_flat_patches_and_white():
    patches = np.broadcast_to(COLOUR_MAP[:, :, None, None], (10, 3, 4, 4))
    assert classify(amp_data.to_model(patches.copy())).tolist() == list(range(10))
    assert classify(torch.ones(2, 3, 4, 4)).tolist() == [-1, -1]


def test_clopper_pearson_hand_values():
    assert clopper_pearson(0, 10) == pytest.approx((0.0, 0.3085), abs=5e-5)
    assert clopper_pearson(10, 10) == pytest.approx((0.6915, 1.0), abs=5e-5)
    assert clopper_pearson(7, 10) == pytest.approx((0.3475, 0.9333), abs=5e-5)


def test_rho_model_reference_matrix():
    matrix = np.array([[3439, 561, 0], [92, 3908, 0]])
    r = rho_model(matrix)
    assert (r["k"], r["n"]) == (7347, 8000)
    assert r["rho_model"] == pytest.approx(0.918, abs=5e-4)
    assert (r["ci_low"], r["ci_high"]) == pytest.approx((0.912, 0.924), abs=1e-3)


def test_confusion_outside_column():
    m = confusion(np.array([0, 0, 1, 1, 1]), np.array([0, 5, 1, -1, 0]), [0, 1])
    assert m.tolist() == [[1, 0, 1], [1, 1, 1]]
    assert rho_model(m)["rho_model"] == pytest.approx(2 / 5)
