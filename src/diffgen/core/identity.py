"""What produced a file, recorded inside it, so no file is taken for what it is not.

A checkpoint of the right format from another run (another split, seed or size)
loads fine and gives a different measurement with exit status 0. So every
intermediate of a study that opts in carries an identity record::

    {"study": "harmonic", "kind": "train", "file": "train/split0/seed1/step64.pt",
     "spec": {...the job's spec...}}

``file`` is the path below the study's results folder (``<results>/<study>/``), so
a file copied or linked into another place of the DAG no longer matches its
name, and a moved checkout still matches. Writers attach it
(``hdf5.write(..., identity=record(...))``, ``save_torch(..., identity=...)``);
the workflow compares ``file`` with each input's path while it plans the DAG
(:func:`check_place`), and a job compares the fields its spec fixes
(:func:`expect`). Each mismatch is one line naming the file and both identities.

In a torch file the record is one extra zip member, read without unpickling
the payload; in HDF5 it is a root attribute.
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path, PurePosixPath

from .errors import InputFileError

#: HDF5 root attribute and torch-archive member holding the record (JSON).
ATTRIBUTE = "diffgen_identity"
MEMBER = "diffgen_identity.json"
#: A fixed time stamp for the zip member, so equal files are equal bytes.
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


def record(study: str, kind: str, spec: dict | None = None, inputs: dict | None = None) -> dict:
    """An identity record of the job kind ``kind`` of ``study`` run with ``spec``;
    ``inputs`` (name -> the record of an input, or None) says what it was made from."""
    made = {"study": study, "kind": kind, "spec": spec or {}}
    sources = {name: summary(found) for name, found in (inputs or {}).items() if found}
    if sources:
        made["inputs"] = sources
    return made


def summary(found: dict) -> dict:
    """What names a file: study, kind, place and spec (not what it was made from)."""
    return {key: found.get(key) for key in ("study", "kind", "file", "spec")}


def made_from(
    path: str | os.PathLike, found: dict | None, name: str, source_path, source: dict | None
) -> None:
    """``path`` (record ``found``) was made from the input ``source_path`` (record
    ``source``) the job also reads: a checkpoint trained on another data set is refused.
    Files without records, or records without that input, pass."""
    if not found or not source:
        return
    recorded = found.get("inputs", {}).get(name)
    if recorded is not None and recorded != summary(source):
        raise InputFileError(
            f"{path}: made from {describe(recorded)}, but {source_path} holds"
            f" {describe(summary(source))}"
        )


def placed(identity: dict, path: str | os.PathLike) -> dict:
    """``identity`` with the ``file`` it is written to (relative to the study's folder);
    a record already placed (a staged file bound for another name) keeps its own."""
    if "file" in identity:
        return identity
    return {**identity, "file": relative_name(path, identity["study"])}


def relative_name(path: str | os.PathLike, study: str) -> str:
    """``path`` below its rightmost ``<study>`` folder (its file name if there is none:
    a hand-run job's output in a folder of its own)."""
    parts = PurePosixPath(Path(path).as_posix()).parts
    for index in range(len(parts) - 2, -1, -1):
        if parts[index] == study:
            return "/".join(parts[index + 1 :])
    return parts[-1]


def encode(identity: dict) -> str:
    return json.dumps(identity, sort_keys=True, separators=(",", ":"))


def attach_to_torch(path: str | os.PathLike, identity: dict) -> None:
    """Append the record to a torch file (a zip archive) as one more member.

    torch reads the members it wrote by name and ignores others; the member sits
    in the archive's own folder, as torch's reader expects of every member.
    """
    with zipfile.ZipFile(path, "a") as archive:
        folder = archive.namelist()[0].split("/")[0]
        info = zipfile.ZipInfo(f"{folder}/{MEMBER}", date_time=_ZIP_TIME)
        archive.writestr(info, encode(identity))


def read(path: str | os.PathLike) -> dict | None:
    """The record of a torch or HDF5 file (None: the file has none, or is of another type)."""
    path = Path(path)
    try:
        if path.suffix == ".pt":
            with zipfile.ZipFile(path) as archive:
                names = [n for n in archive.namelist() if n.endswith("/" + MEMBER)]
                return json.loads(archive.read(names[0])) if names else None
        if path.suffix == ".h5":
            import h5py

            with h5py.File(path, "r") as handle:
                text = handle.attrs.get(ATTRIBUTE)
                return json.loads(text) if text is not None else None
    except (OSError, zipfile.BadZipFile, ValueError, KeyError):
        raise InputFileError(f"{path}: unreadable identity record") from None
    return None


def describe(identity: dict | None) -> str:
    """A short one-line form: ``harmonic/train train/split0/seed1/step64.pt {...}``."""
    if identity is None:
        return "no identity record"
    head = f"{identity.get('study')}/{identity.get('kind')}"
    fields = identity.get("fields", identity.get("spec"))
    where = f" {identity['file']}" if identity.get("file") else ""
    return f"{head}{where}" + (f" {encode(fields)}" if fields else "")


def check_place(path: str | os.PathLike, study: str) -> None:
    """While the DAG is planned: an existing file of ``study`` is the one its path names.

    A file without a record passes (written before records, or not by a job);
    one recorded for another study or another place is refused.
    """
    found = read(path)
    if found is None:
        return
    wanted = relative_name(path, study)
    if found.get("study") != study or found.get("file") != wanted:
        raise InputFileError(
            f"{path}: holds {found.get('study')}/{found.get('kind')} {found.get('file')},"
            f" expected {study} {wanted} (a file from another run: remove it to rebuild)"
        )


def _lookup(spec: dict, dotted: str):
    value = spec
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return _MISSING
        value = value[part]
    return value


_MISSING = object()


def expect(
    path: str | os.PathLike, study: str, kind: str, required: bool = True, **fields
) -> dict | None:
    """In a job: the file was written by ``study``'s ``kind`` with these spec fields.

    Field names may be dotted (``run__seed`` for ``run.seed``). Returns the record;
    raises one line naming the file, what it holds and what the job expected.
    ``required=False`` takes a file without a record (None: written before records
    or by hand; its format checks still apply); one with a record must match.
    """
    wanted = {name.replace("__", "."): value for name, value in fields.items()}
    expected = {"study": study, "kind": kind, "fields": wanted}
    try:
        found = read(path)
    except InputFileError:
        if required:
            raise
        found = None  # a damaged file: the reader's own format check names it
    if found is None:
        if not required:
            return None
        raise InputFileError(f"{path}: no identity record, expected {describe(expected)}")
    spec = found.get("spec", {})
    differs = [name for name, value in wanted.items() if _lookup(spec, name) != value]
    if found.get("study") != study or found.get("kind") != kind or differs:
        held = {name: _lookup(spec, name) for name in wanted}
        shown = {
            **found,
            "fields": {k: (None if v is _MISSING else v) for k, v in held.items()},
        }
        raise InputFileError(f"{path}: holds {describe(shown)}, expected {describe(expected)}")
    return found
