"""Pixel-space similarity, nearest-neighbour search and prediction agreement of the image core."""

import pytest
import torch

from diffgen.images.nearest import nearest
from diffgen.images.predictions import agreement, predict
from diffgen.images.similarity import features, paired

IMAGES = torch.rand((40, 1, 6, 6), generator=torch.Generator().manual_seed(0))


@pytest.mark.parametrize("metric", ["pearson", "cosine"])
def test_self_similarity_is_one(metric):
    torch.testing.assert_close(paired(IMAGES, IMAGES, metric), torch.ones(40))


def test_l2_distance_to_itself_is_zero_and_matches_the_norm():
    assert paired(IMAGES, IMAGES, "l2").abs().max() == 0
    other = IMAGES.flip(0)
    torch.testing.assert_close(paired(IMAGES, other, "l2"), (IMAGES - other).flatten(1).norm(dim=1))


def test_pearson_is_invariant_to_affine_changes_and_equals_the_correlation():
    a, b = IMAGES[:20], IMAGES[20:]
    base = paired(a, b, "pearson")
    torch.testing.assert_close(paired(3.5 * a - 0.7, 0.2 * b + 4.0, "pearson"), base)
    for i in range(3):
        r = torch.corrcoef(torch.stack([a[i].flatten(), b[i].flatten()]))[0, 1]
        assert base[i].item() == pytest.approx(r.item(), abs=1e-5)
    assert not torch.allclose(paired(a - 0.7, b, "cosine"), paired(a, b, "cosine"))


@pytest.mark.parametrize("metric", ["pearson", "cosine", "l2"])
def test_a_training_image_is_its_own_nearest_neighbour(metric):
    values, indices = nearest(IMAGES, IMAGES, metric, k=1, reference_block=7)
    assert torch.equal(indices[:, 0], torch.arange(40))
    expected = torch.zeros(40) if metric == "l2" else torch.ones(40)
    torch.testing.assert_close(
        values[:, 0], expected, atol=2e-3 if metric == "l2" else 1e-5, rtol=0
    )


@pytest.mark.parametrize("metric", ["pearson", "cosine", "l2"])
def test_blocked_top_k_equals_brute_force(metric):
    queries = torch.rand((9, 1, 6, 6), generator=torch.Generator().manual_seed(1))
    values, indices = nearest(queries, IMAGES, metric, k=3, reference_block=11)
    fq, fr = features(queries, metric), features(IMAGES, metric)
    if metric == "l2":
        scores = torch.cdist(fq, fr)
        best = scores.topk(3, dim=1, largest=False)
    else:
        best = (fq @ fr.T).topk(3, dim=1)
    assert torch.equal(indices, best.indices)
    torch.testing.assert_close(values, best.values, atol=1e-4, rtol=1e-4)


def test_agreement_of_a_model_with_itself_is_one_and_predictions_are_batch_independent():
    net = torch.nn.Conv2d(1, 1, 3, padding=1)

    def eps(x, k):
        return net(x) * (1 + k.view(-1, 1, 1, 1))

    with torch.no_grad():
        whole = predict(eps, IMAGES, k=3, batch_size=40)
        pieces = predict(eps, IMAGES, k=3, batch_size=6)
        other = predict(lambda x, k: -eps(x, k), IMAGES, k=3)
    torch.testing.assert_close(pieces, whole)
    torch.testing.assert_close(agreement(whole, pieces), torch.ones(40))
    torch.testing.assert_close(agreement(whole, other), -torch.ones(40))
