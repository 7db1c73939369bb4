"""Case.from_dict and mnsim.to_toml: a dict laid out like the case file is the
same case as the file (dict <-> TOML equivalence)."""

import hashlib
import math
import tomllib

import numpy as np
import pytest

import mnsim
from conftest import CASES

EXAMPLES = sorted(CASES.glob("*.toml"))


def without(d, *keys):
    return {k: v for k, v in d.items() if k not in keys}


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_toml_round_trip(path):
    d = tomllib.loads(path.read_text())
    assert tomllib.loads(mnsim.to_toml(d)) == d


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_dict_is_the_same_case_as_the_file(path):
    from_file = mnsim.Case.from_file(path)
    from_dict = mnsim.Case.from_dict(tomllib.loads(path.read_text()))
    assert from_dict.source == "<dict>"
    # Everything but where it came from: the parsed case, defaults filled in.
    a, b = from_file.to_dict(), from_dict.to_dict()
    assert without(a, "source", "case_sha256") == without(b, "source", "case_sha256")
    # The hash is that of the bytes read: the file's, or the dict's TOML text.
    assert a["case_sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert b["case_sha256"] == hashlib.sha256(from_dict.toml.encode()).hexdigest()


def test_dict_gives_the_same_results_as_the_file():
    path = CASES / "stretch-marks.toml"
    a = mnsim.pattern(mnsim.Case.from_file(path)).to_dict()
    b = mnsim.pattern(mnsim.Case.from_dict(tomllib.loads(path.read_text()))).to_dict()
    assert a["case_sha256"] != b["case_sha256"]
    assert without(a, "case_sha256") == without(b, "case_sha256")


def test_from_toml_hashes_the_text():
    text = (CASES / "membrane.toml").read_text()
    c = mnsim.Case.from_toml(text)
    assert c.sha256 == hashlib.sha256(text.encode()).hexdigest()
    assert c.source == "<string>" and c.toml == text
    assert mnsim.Case.from_toml(text, source="mine.toml").to_dict()["source"] == "mine.toml"


def test_to_toml_values():
    d = {
        "case": {"name": 'quote " back\\slash \u00e9 tab\t new\nline', "seed": np.int64(7)},
        "patient": {"age_years": np.float64(45.5), "history": []},
        "procedure": {"occluded": True, "anaesthetic": {"product": "lidocaine_4pct",
                                                        "minutes": 30}},
        "zones": [{"site": "cheek", "indication": "texture"},
                  {"site": "neck", "indication": "texture", "depth_mm": 0.5}],
        "weird key": {"a.b": [1, 2.5, -3]},
    }
    back = tomllib.loads(mnsim.to_toml(d))
    assert back["case"]["name"] == d["case"]["name"]
    assert back["case"]["seed"] == 7 and back["patient"]["age_years"] == 45.5
    assert back["procedure"]["anaesthetic"] == {"product": "lidocaine_4pct", "minutes": 30}
    assert back["zones"][1]["depth_mm"] == 0.5
    assert back["weird key"]["a.b"] == [1, 2.5, -3]
    assert math.isinf(tomllib.loads(mnsim.to_toml({"x": {"y": float("inf")}}))["x"]["y"])


def test_with_changes_merges_and_removes():
    c = mnsim.Case.from_file(CASES / "default.toml")
    d = c.with_changes({"device": {"needle_length_mm": 0.5}, "procedure": {"anaesthetic": None},
                        "zones": [{"site": "cheek", "indication": "texture"}]})
    inp = d.input_dict()
    assert inp["device"]["needle_length_mm"] == 0.5
    assert inp["device"]["needle_count"] == 16  # kept
    assert "anaesthetic" not in inp["procedure"]
    assert [z["site"] for z in inp["zones"]] == ["cheek"]
    parsed = d.to_dict()
    assert parsed["device"]["needle_length_mm"] == 0.5 and parsed["procedure"]["anaesthetic"] is None
    assert c.input_dict()["device"]["needle_length_mm"] == 1.0  # the original is unchanged


def test_to_dict_carries_the_cohort_population():
    c = mnsim.Case.from_toml("[cohort]\nage_years_min = 30\nage_years_max = 40\n"
                             "female_fraction = 0.8\n[[zones]]\nsite = \"cheek\"\n")
    cohort = c.to_dict()["cohort"]
    assert cohort["age_years_min"] == 30 and cohort["age_years_max"] == 40
    assert cohort["female_fraction"] == 0.8
    assert len(cohort["fitzpatrick_weights"]) == 6
