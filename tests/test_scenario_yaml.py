"""The YAML reader: scalars typed as PyYAML types them, and the size guard counting each
value once (an alias as many values as it repeats), so large scenarios load and alias
bombs are refused."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
import yaml

from sim.scenario import ScenarioError, load_scenario, read_tree, yaml_reader
from sim.scenario.limits import MAX_NODES
from sim.scenario.source import read_source
from sim.scenario.synth import scenario_yaml, synth_tree
from tests.test_cli_validate_robustness import _bomb

# plain scalars whose YAML 1.1 type is easy to get wrong by hand
_WORDS = """
y Y yes Yes YES n N no No NO true True TRUE false False FALSE on On ON off Off OFF
null Null NULL ~ 0 1 -1 +1 00 01 007 0x1F 0o17 0b101 1_000 1:30 18:00 190:20:30 -0 +0
1.5 .5 5. +.5 -.5 1e5 1.0e+5 1.0E-5 -.inf .inf .Inf .NaN .nan NaN inf 2021-08-30
2001-12-14t21:59:43.10-05:00 a00001 D3 3h 90min 1.5d _x é 12345678901234567890 0.0
1,000 12:30:45.5
"""
SCALARS = _WORDS.split()


def _same(a: Any, b: Any) -> bool:
    """Equal and of the same type (1 is not True, 1.0 is not 1); NaN equals NaN."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    return type(a) is type(b) and a == b


@pytest.mark.parametrize("word", SCALARS)
def test_scalars_are_typed_as_pyyaml_types_them(word: str) -> None:
    for text in (f"k: {word}\n", f"k: [{word}]\n", f"k: '{word}'\n"):
        assert _same(str(read_tree(text)), str(yaml.safe_load(text))), text
        got, expected = read_tree(text)["k"], yaml.safe_load(text)["k"]
        if isinstance(expected, list):
            got, expected = got[0], expected[0]
        assert _same(got, expected), (text, got, expected)
    key_text = f"{word}: v\n"
    (key,) = read_tree(key_text)
    (expected_key,) = yaml.safe_load(key_text)
    assert _same(key, expected_key), key_text


def test_scalars_are_typed_right_when_the_remembered_ones_are_forgotten(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(yaml_reader, "_REMEMBERED", 2)
    text = "a: [1, yes, x, 1, yes, '1', x, 2021-08-30, '1', ~, 1]\n"
    assert repr(read_tree(text)) == repr(yaml.safe_load(text))


def test_a_signed_fraction_without_leading_digit_is_text_as_in_pyyaml() -> None:
    # YAML 1.1 (and PyYAML) read `.5` as a number but `+.5` and `-.5` as text
    assert read_tree("a: .5\nb: +.5\nc: -.5\n") == {"a": 0.5, "b": "+.5", "c": "-.5"}


@pytest.mark.parametrize(
    "written, kept",
    [
        ("!!bool y", "y"),
        ("!!int ''", ""),
        ("!!float x", "x"),
        ("!!timestamp soon", "soon"),
        ("2021-02-30", "2021-02-30"),
        ("1" * 5000, "1" * 5000),
    ],
)
def test_text_pyyaml_cannot_type_is_kept_as_written(written: str, kept: str) -> None:
    assert read_tree(f"k: {written}\n") == {"k": kept}


def test_a_wrongly_tagged_value_is_a_problem_not_a_crash() -> None:
    text = "format: tabletop/1\nname: x\ndays: !!bool y\nphases: []\n"
    with pytest.raises(ScenarioError) as info:
        load_scenario(text)
    (problem,) = [p for p in info.value.problems if p.severity == "error"]
    assert (problem.code, problem.path, problem.line) == ("wrong-type", ("days",), 3)


def test_tags_beyond_plain_data_are_refused() -> None:
    for text in ("k: !!binary aGVsbG8=\n", "k: !!set {a, b}\n", "k: !custom x\n", "k: =\n"):
        with pytest.raises(ScenarioError) as info:
            read_tree(text)
        assert info.value.problems[0].code == "yaml-unsupported", text


def test_explicit_plain_tags_and_the_non_specific_tag() -> None:
    text = "a: !!str 12\nb: !!int '12'\nc: ! 12\nd: !!float 1\ne: !!null x\n"
    assert read_tree(text) == {"a": "12", "b": 12, "c": "12", "d": 1.0, "e": None}


def test_merge_keys_duplicates_and_positions() -> None:
    source = read_source("base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n")
    assert source.tree == {"base": {"x": 1, "y": 2}, "m": {"y": 3, "x": 1}}
    assert source.locate(("m", "y")) == (4, 6)
    assert source.locate(("m", "y"), key=True) == (4, 3)
    with pytest.raises(ScenarioError) as info:
        read_tree("a: 1\nb: 2\na: 3\n")
    problem = info.value.problems[0]
    assert (problem.code, problem.line, problem.column) == ("duplicate-key", 3, 1)


# ---------------------------------------------------------------- the size guard


def _values(extra: int) -> str:
    """A flow list of exactly ``1 + 1000 * 1999 + extra`` values: an anchored list of
    1000 values (itself and 999 texts) used 1998 more times by alias, then ``extra``
    texts."""
    anchored = "&a [" + ", ".join(["x"] * 999) + "]"
    return "[" + ", ".join([anchored] + ["*a"] * 1998 + ["y"] * extra) + "]\n"


def _too_large(origin: str | Path) -> tuple[int, int]:
    with pytest.raises(ScenarioError) as info:
        read_source(origin)
    (problem,) = info.value.problems
    assert problem.code == "too-large"
    limit = yaml_reader.MAX_NODES  # MAX_NODES unless a test lowered it
    assert problem.message == (f"expands to more than {limit:,} values "
                               "(aliases repeated too often?)")
    return problem.line, problem.column


def test_a_file_of_exactly_the_limit_is_read_and_one_more_value_is_refused() -> None:
    assert MAX_NODES == 2_000_000  # as documented in docs/reference/errors.md
    tree = read_tree(_values(999))
    assert len(tree) == 1 + 1998 + 999
    assert 1 + sum(1 + len(v) if isinstance(v, list) else 1 for v in tree) == MAX_NODES
    line, column = _too_large(_values(1000))
    assert line == 1 and column == len(_values(1000)) - 2  # the last value went past


def test_each_value_counts_once_however_deep(monkeypatch: pytest.MonkeyPatch) -> None:
    # the root mapping, key a, its list, 1, the inner mapping, key b, 2: seven values
    text = "a: [1, {b: 2}]\n"
    monkeypatch.setattr(yaml_reader, "MAX_NODES", 7)
    assert read_tree(text) == {"a": [1, {"b": 2}]}
    monkeypatch.setattr(yaml_reader, "MAX_NODES", 6)
    assert _too_large(text) == (1, 12)  # at the 2
    deep = "a: " + "[" * 60 + "1" + "]" * 60 + "\n"  # 63 values, nested 61 levels deep
    monkeypatch.setattr(yaml_reader, "MAX_NODES", 63)
    assert isinstance(read_tree(deep)["a"], list)
    monkeypatch.setattr(yaml_reader, "MAX_NODES", 62)
    _too_large(deep)


def test_an_alias_counts_what_it_repeats_each_time(monkeypatch: pytest.MonkeyPatch) -> None:
    # root, key a, the list [1, 2] (3 values), key b, then the alias twice in a list:
    # 1 + 1 + 3 + 1 + 1 + 3 + 3 = 13 values
    text = "a: &x [1, 2]\nb: [*x, *x]\n"
    monkeypatch.setattr(yaml_reader, "MAX_NODES", 13)
    assert read_tree(text) == {"a": [1, 2], "b": [[1, 2], [1, 2]]}
    monkeypatch.setattr(yaml_reader, "MAX_NODES", 12)
    assert _too_large(text) == (2, 9)


def test_fifty_thousand_activities_load(tmp_path: Path) -> None:
    path = tmp_path / "large.yaml"
    path.write_text(scenario_yaml(synth_tree(50_000, seed=0)), encoding="utf-8")
    scenario = load_scenario(path)
    assert len(scenario.activities) == 50_000
    assert scenario.warnings == ()


def test_the_billion_laughs_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_bytes(_bomb())
    # a6 repeats a5 (597,871 values) nine times: the third use goes past the limit
    assert _too_large(path) == (7, 20)


def test_a_smaller_alias_fan_out_past_the_limit_is_refused() -> None:
    # one anchored list of 1,000 values, used 2,000 times: the root, two keys and the
    # lists make 1,004 values, and the 1,999th use takes them past 2,000,000
    anchored = "a: &a [" + ", ".join(["x"] * 999) + "]\n"
    fan_out = anchored + "b: [" + ", ".join(["*a"] * 2000) + "]\n"
    line, column = _too_large(fan_out)
    assert line == 2 and column == 5 + 4 * 1998
    under = anchored + "b: [" + ", ".join(["*a"] * 1000) + "]\n"
    assert len(read_tree(under)["b"]) == 1000
