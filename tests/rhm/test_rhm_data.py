"""RHM data: the reference's rules and first string, decoding, validity, class balance, bytes."""

import hashlib
import json

import numpy as np
import pytest
import torch
from rhm_enumeration import all_trees
from rhm_support import one_thread  # noqa: F401 (autouse fixture)

from diffgen.cli import main
from diffgen.core.errors import DiffgenError, InputFileError
from diffgen.core.specs import check
from diffgen.rhm.dataset import load_dataset, load_strings
from diffgen.rhm.decoding import decode, draw_with_replacement
from diffgen.rhm.parsing import Parser, validity
from diffgen.rhm.rules import Shape, grammar_for, load_reference_rules, sample_rules
from diffgen.rhm.sets import draw_sets

FIG1 = Shape(v=8, n=8, m=3, s=2, L=3)
SMALL = Shape(v=4, n=4, m=2, s=2, L=2)


def chi2_pvalue(counts: np.ndarray, expected: np.ndarray) -> float:
    """P(χ²_{k−1} ≥ the statistic): the regularised upper incomplete gamma function."""
    statistic = float(((counts - expected) ** 2 / expected).sum())
    dof = len(counts) - 1
    return float(torch.special.gammaincc(torch.tensor(dof / 2), torch.tensor(statistic / 2)))


def test_rules_and_first_string_are_the_references():
    grammar = sample_rules(FIG1, 42)
    assert grammar.rules[0][0].tolist() == [[1, 6], [0, 1], [5, 7]]
    assert grammar.rules[1][0].tolist() == [[3, 1], [5, 5], [5, 1]]
    assert grammar.rules[2][0].tolist() == [[1, 4], [2, 6], [6, 6]]
    assert FIG1.pmax == 17_496
    sets = draw_sets(grammar, 1024, 1024, seed=1, replacement=False)
    assert sets.indices[0] == 4402
    assert sets.train[0][0, 0] == 2
    assert sets.train[-1][0].tolist() == [5, 0, 3, 0, 3, 5, 4, 6]
    assert len(set(sets.indices.tolist())) == 2048
    assert sets.test[-1].shape == (1024, 8)


def test_tuples_are_distinct_within_each_level():
    for shape in (FIG1, Shape(16, 16, 4, 2, 6), Shape(4, 2, 2, 3, 2)):
        grammar = sample_rules(shape, 7)
        for table in grammar.rules:
            flat = {tuple(row) for row in table.reshape(-1, shape.s)}
            assert len(flat) == table.shape[0] * shape.m


def test_decoding_is_a_bijection_onto_the_valid_strings():
    grammar = sample_rules(SMALL, 3)
    assert SMALL.pmax == 32
    decoded = decode(grammar, np.arange(32))
    enumerated = all_trees(list(grammar.rules), SMALL.n)
    assert {tuple(r) for r in decoded[-1]} == {tuple(r) for r in enumerated[-1]}
    assert len({tuple(r) for r in decoded[-1]}) == 32
    assert (decoded[0][:, 0] == np.arange(32) // (32 // SMALL.n)).all()
    # Leftmost node most significant: index 1 changes only the last node's production.
    assert (decoded[1][0] == decoded[1][1]).all()
    assert (decoded[2][0, :-2] == decoded[2][1, :-2]).all()
    assert (decoded[2][0, -2:] != decoded[2][1, -2:]).any()


@pytest.mark.parametrize("replacement", [False, True])
def test_generated_strings_are_valid_at_every_level_and_parse_to_their_tree(replacement):
    grammar = sample_rules(FIG1, 42)
    sets = draw_sets(grammar, 2000, 500, seed=5, replacement=replacement)
    for tree in (sets.train, sets.test):
        parse = Parser(grammar).parse(tree[-1])
        assert (validity(parse) == 1).all()
        for level, (got, want) in enumerate(zip(parse, tree, strict=True)):
            assert (got == want).all(), level


@pytest.mark.parametrize("replacement", [False, True])
def test_class_counts_pass_a_chi2_test(replacement):
    grammar = sample_rules(FIG1, 42)
    sets = draw_sets(grammar, 8192, 0, seed=11, replacement=replacement)
    counts = np.bincount(sets.train[0][:, 0], minlength=FIG1.n)
    assert chi2_pvalue(counts, np.full(FIG1.n, 8192 / FIG1.n)) > 0.01


def test_replacement_is_forced_beyond_int64():
    shape = Shape(16, 16, 4, 2, 6)
    assert shape.pmax > 2**63
    sets = draw_sets(sample_rules(shape, 42), 64, 16, seed=0, replacement=False)
    assert sets.replacement and sets.indices is None
    assert (validity(Parser(sample_rules(shape, 42)).parse(sets.train[-1])) == 1).all()


def test_draws_with_replacement_follow_one_generator():
    grammar = sample_rules(FIG1, 42)
    a = draw_with_replacement(grammar, 100, 3)
    b = draw_with_replacement(grammar, 100, 3)
    c = draw_with_replacement(grammar, 100, 4)
    assert all((x == y).all() for x, y in zip(a, b, strict=True))
    assert not (a[-1] == c[-1]).all()
    gen = torch.Generator().manual_seed(3)
    assert (a[0][:, 0] == torch.randint(0, FIG1.n, (100,), generator=gen).numpy()).all()


DATA_SPEC = {
    "grammar": {"v": 8, "n": 8, "m": 3, "s": 2, "L": 3}, "seed_rules": 42, "rules_path": "",
    "P": 256, "P_test": 64, "seed_sample": 1, "replacement": False,
}  # fmt: skip


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_same_config_gives_the_same_bytes(tmp_path):
    # The same name in two folders: a file records the name it is written to.
    paths = [tmp_path / "a" / "P256.h5", tmp_path / "b" / "P256.h5"]
    for path in paths:
        path.parent.mkdir()
        assert main(["rhm", "data", "--spec", json.dumps(DATA_SPEC), "--out", str(path)]) == 0
    assert _digest(paths[0]) == _digest(paths[1])
    data = load_dataset(paths[0])
    assert data.train[-1].shape == (256, 8) and data.test[-1].shape == (64, 8)
    assert data.indices[0] == 4402 and data.train[-1][0].tolist() == [5, 0, 3, 0, 3, 5, 4, 6]
    strings = {"grammar": DATA_SPEC["grammar"], "seed_rules": 42, "rules_path": "",
               "count": 100, "seed": 0}  # fmt: skip
    outs = [tmp_path / "a" / "strings.h5", tmp_path / "b" / "strings.h5"]
    for path in outs:
        assert main(["rhm", "strings", "--spec", json.dumps(strings), "--out", str(path)]) == 0
    assert _digest(outs[0]) == _digest(outs[1])
    grammar, tree = load_strings(outs[0])
    assert (validity(Parser(grammar).parse(tree[-1])) == 1).all()


def test_too_many_strings_and_bad_files_are_one_line_errors(tmp_path, capsys):
    spec = dict(DATA_SPEC, P=17_000, P_test=1000)
    assert main(["rhm", "data", "--spec", json.dumps(spec), "--out", str(tmp_path / "x.h5")]) == 2
    bad = tmp_path / "bad.h5"
    bad.write_bytes(b"not hdf5")
    with pytest.raises(InputFileError, match=r"bad\.h5"):
        load_dataset(bad)
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("diffgen: --spec key 'P'") and "17496" in err[0]


def test_reference_rules_file_is_imported_for_its_shape(tmp_path):
    drawn = sample_rules(FIG1, 5)
    path = tmp_path / "rules.pt"
    torch.save({level: torch.tensor(table) for level, table in enumerate(drawn.rules)}, path)
    imported = load_reference_rules(path)
    assert imported.shape == FIG1
    assert all((a == b).all() for a, b in zip(imported.rules, drawn.rules, strict=True))
    assert grammar_for(FIG1, 42, str(path))[1] == "file"
    other = Shape(16, 16, 4, 2, 3)
    assert grammar_for(other, 42, str(path))[1] == "seed"
    broken = tmp_path / "broken.pt"
    broken.write_bytes(b"\x00garbage")
    with pytest.raises(DiffgenError, match=r"broken\.pt"):
        load_reference_rules(broken)


def test_typed_spec_rejects_a_bad_grammar():
    from diffgen.rhm.jobs.data import SPEC

    with pytest.raises(DiffgenError, match=r"grammar\.m"):
        check(dict(DATA_SPEC, grammar=dict(DATA_SPEC["grammar"], m=0)), SPEC.fields)
