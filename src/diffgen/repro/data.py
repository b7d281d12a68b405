"""Study 3's datasets as (N, C, H, W) float32 arrays in [-1, 1] (or unbounded for MoLRG).

``molrg`` (generated, :mod:`diffgen.repro.molrg`), ``digits`` (sklearn's bundled
8×8 digits, x = v/8 − 1, sklearn order) and ``images`` (a user's folder or zip of
32×32 RGB images, sorted names, first N, x = u8/127.5 − 1). Every set of size N
is the first N rows of the larger ones. The held-out rows (Jacobian inputs) are
MoLRG's independent streams, or the rows after the training rows for digits and
images.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np

from diffgen.core import hdf5
from diffgen.core.errors import ConfigError, InputFileError
from diffgen.repro import molrg

KIND = "repro_data"
DIGITS_MAX = 1024
SUFFIXES = (".png", ".jpg", ".jpeg")


def digits(count: int) -> np.ndarray:
    """The first ``count`` sklearn digits as (count, 1, 8, 8) float32 in [-1, 1]."""
    from sklearn.datasets import load_digits

    values = load_digits().data
    if count > len(values):
        raise ConfigError(f"digits: {count} rows asked, sklearn bundles {len(values)}")
    return (values[:count] / 8.0 - 1.0).astype(np.float32).reshape(-1, 1, 8, 8)


def _zip_members(path: Path) -> list[str]:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile:
        raise InputFileError(f"{path}: is not a zip file or folder of images") from None
    return sorted(n for n in names if n.lower().endswith(SUFFIXES) and not n.endswith("/"))


def _decode(blob: bytes, name: str) -> np.ndarray:
    from PIL import Image

    try:
        image = np.asarray(Image.open(io.BytesIO(blob)).convert("RGB"))
    except Exception as err:  # Pillow raises several types for bad files
        raise InputFileError(f"{name}: cannot decode image ({type(err).__name__})") from None
    if image.shape != (32, 32, 3):
        raise InputFileError(f"{name}: image is {image.shape[1]}x{image.shape[0]}, not 32x32")
    return image


def images(path: str | Path, count: int) -> np.ndarray:
    """The first ``count`` images (sorted names) of a folder or zip, (count, 3, 32, 32)."""
    path = Path(path)
    if not path.exists():
        raise InputFileError(f"{path}: image folder or zip does not exist")
    if path.is_dir():
        names = sorted(p.name for p in path.iterdir() if p.suffix.lower() in SUFFIXES)
        read = lambda name: (path / name).read_bytes()  # noqa: E731
    else:
        names = _zip_members(path)
        archive = zipfile.ZipFile(path)
        read = archive.read
    if len(names) < count:
        raise InputFileError(f"{path}: holds {len(names)} images, {count} needed")
    pixels = np.stack([_decode(read(name), f"{path}:{name}") for name in names[:count]])
    return (pixels.astype(np.float32) / 127.5 - 1.0).transpose(0, 3, 1, 2).copy()


def build(spec: dict) -> dict[str, np.ndarray]:
    """Arrays of a data file: ``x`` (N training rows), ``held`` and, for MoLRG, ``basis``."""
    name, N, held = spec["dataset"], spec["N"], spec["held_out"]
    if name == "molrg":
        m = spec["molrg"]
        u = molrg.basis(m["r"], m["K"], m["d"], m["basis_seed"])
        x = molrg.sample(u, m["K"], m["d"], N, m["seed"])
        h = molrg.sample(u, m["K"], m["d"], held, m["seed"], held_out=True)
        return {"x": molrg.as_images(x, m["r"]), "held": molrg.as_images(h, m["r"]), "basis": u}
    if name == "digits":
        rows = digits(N + held)
        return {"x": rows[:N], "held": rows[N:]}
    rows = images(spec["images_path"], N + held)
    return {"x": rows[:N], "held": rows[N:]}


def write(path: str | Path, spec: dict, identity: dict | None = None) -> None:
    hdf5.write(path, KIND, build(spec), {"spec": spec}, identity=identity)


def load(path: str | Path) -> tuple[dict[str, np.ndarray], dict]:
    """(arrays, spec) of a data file; ``basis`` is present for MoLRG only."""
    with hdf5.open_file(path, KIND) as f:
        names = ["x", "held"] + (["basis"] if "basis" in f.handle else [])
        arrays = {name: f.array(name) for name in names}
        spec = f.provenance().get("spec")
    if not isinstance(spec, dict):
        raise InputFileError(f"{path}: repro_data file lacks its spec")
    return arrays, spec
