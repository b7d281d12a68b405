"""Cross-key checks of the ``biased.faces`` config section (what its schema cannot express)."""

from __future__ import annotations

from diffgen.biased.faces.plan import FacesPlan
from diffgen.core.checks import check_checkpoint_list, check_steps_within, config_key
from diffgen.core.errors import ConfigError, DiffgenError
from diffgen.images.dataset import require_pool
from diffgen.images.folder import check_headers, list_images
from diffgen.images.models import check_schedule
from diffgen.images.unet import UNetConfig

SECTION = "biased.faces"


def _fail(key: str, message: str) -> None:
    raise ConfigError(f"config key '{SECTION}.{key}': {message}")


def pool_size(data: dict) -> tuple[int, str]:
    """(images available, the key that sets it): the folder's count, else ``data.pool``."""
    if not data["path"]:
        return data["pool"], f"{SECTION}.data.pool"
    try:
        images = list_images(data["path"])
        check_headers(images)
        return len(images), f"{SECTION}.data.path"
    except DiffgenError as err:
        _fail("data.path", str(err))
    raise AssertionError  # unreachable


def unet_config(faces: dict) -> UNetConfig:
    """The U-Net of the section (1 channel in and out)."""
    model = faces["model"]
    return UNetConfig(
        base=model["base"], mults=tuple(model["mults"]), attention=tuple(model["attention"]),
        res_blocks=model["res_blocks"], dropout=model["dropout"], groups=model["groups"],
    )  # fmt: skip


def check_consistency(faces: dict) -> None:
    """Cross-key checks on the section, defaults filled in."""
    data, model = faces["data"], faces["model"]
    size, levels = data["size"], len(model["mults"])
    if not data["path"] and 32 % size:
        _fail("data.size", f"synthetic faces come in sizes that divide 32, not {size}")
    if size % 2 ** (levels - 1):
        _fail("data.size", f"{size} px cannot be halved {levels - 1} times (model.mults)")
    if len(model["attention"]) != levels:
        _fail("model.attention", f"{len(model['attention'])} entries for {levels} levels (mults)")
    try:
        unet_config(faces)
    except ValueError as err:
        _fail("model.base", str(err))
    check_schedule(faces["diffusion"], config_key(f"{SECTION}.diffusion"))
    if faces["splits"] < 2:
        _fail("splits", "the measurements compare pairs of models: at least 2 splits")
    try:
        plan = FacesPlan(faces)
    except ValueError as err:
        _fail("training.checkpoints", str(err))
    training = config_key(f"{SECTION}.training")
    check_checkpoint_list(plan.grid, faces["training"]["epochs"], training, "epoch")
    for name in ("generation", "noise_prediction"):
        start, stop = faces[name]["checkpoints"]
        if not 0 <= start < stop <= len(plan.grid):
            _fail(
                f"{name}.checkpoints",
                f"[{start}, {stop}) is not a non-empty slice of the {len(plan.grid)} checkpoints",
            )
    noise = config_key(f"{SECTION}.noise_prediction")
    check_steps_within(faces["noise_prediction"]["ks"], faces["diffusion"]["T"], noise, "ks", True)
    first, second = faces["similarity"]["pair"]
    if first == second or max(first, second) >= faces["splits"]:
        _fail(
            "similarity.pair", f"[{first}, {second}] is not a pair of the {faces['splits']} models"
        )
    if faces["similarity"]["rep_k"] > faces["generation"]["samples"]:
        _fail("similarity.rep_k", f"more than generation.samples={faces['generation']['samples']}")
    loss_images = faces["loss"]["images"]
    if loss_images > min(faces["n"], faces["n_test"]):
        _fail("loss.images", f"{loss_images} exceeds n={faces['n']} or n_test={faces['n_test']}")
    pool, key = pool_size(data)
    require_pool(faces["splits"], faces["n"], faces["n_test"], pool, key)
