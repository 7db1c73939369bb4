"""Bad input raises mnsim.InputError (a ValueError) listing every problem with
file, field, value and problem; failures of the computation NumericalError."""

import pytest

import mnsim
from conftest import CASES


def test_every_problem_listed_with_its_field():
    with pytest.raises(mnsim.InputError) as err:
        mnsim.Case.from_toml('[device]\nneedle_length_mm = 9\ncolour = "red"\n', source="bad.toml")
    e = err.value
    assert isinstance(e, ValueError)
    fields = {i["field"]: i for i in e.issues}
    assert set(fields) >= {"device.needle_length_mm", "device.colour"}
    length = fields["device.needle_length_mm"]
    assert length["file"] == "bad.toml" and length["value"] == "9"
    assert "[0.05, 3] mm" in length["problem"]
    assert all(set(i) == {"file", "field", "value", "problem"} for i in e.issues)
    assert len(str(e).splitlines()) == len(e.issues)


def test_syntax_error_names_line():
    with pytest.raises(mnsim.InputError) as err:
        mnsim.Case.from_toml("[case\nname = 1\n")
    assert "line 1" in str(err.value)


def test_dict_errors_name_the_field():
    with pytest.raises(mnsim.InputError) as err:
        mnsim.Case.from_dict({"patient": {"age_years": None, "fitzpatrick": 9},
                              "zones": [{"site": "cheeck", "indication": "texture"}]})
    issues = err.value.issues
    # None is caught while writing the TOML, before the reader sees the rest.
    assert [(i["file"], i["field"]) for i in issues] == [("<dict>", "patient.age_years")]
    with pytest.raises(mnsim.InputError) as err:
        mnsim.Case.from_dict({"patient": {"fitzpatrick": 9, "age_years": float("nan")},
                              "zones": [{"site": "cheeck", "indication": "texture"}]})
    fields = [i["field"] for i in err.value.issues]
    assert "patient.fitzpatrick" in fields and "patient.age_years" in fields
    assert any("cheek" in i["problem"] for i in err.value.issues)  # the suggestion
    with pytest.raises(mnsim.InputError):
        mnsim.Case.from_dict({"device": {"kind": object()}})
    with pytest.raises(mnsim.InputError):
        mnsim.Case.from_dict(["not", "a", "dict"])


def test_missing_file():
    with pytest.raises(mnsim.InputError) as err:
        mnsim.Case.from_file(CASES / "no-such-case.toml")
    assert err.value.issues[0]["file"].endswith("no-such-case.toml")


def test_stage_arguments_checked():
    with pytest.raises(mnsim.InputError) as err:
        mnsim.atlas(site="nek")
    assert err.value.issues[0]["field"] == "site" and "neck" in err.value.issues[0]["problem"]
    with pytest.raises(mnsim.InputError) as err:
        mnsim.atlas(age_years=12, sex="other")
    assert [i["field"] for i in err.value.issues] == ["age_years", "sex"]
    with pytest.raises(mnsim.InputError):
        mnsim.atlas(age_years=float("nan"))
    with pytest.raises(mnsim.InputError) as err:
        mnsim.heal(mnsim.Case.from_file(CASES / "stretch-marks.toml"), hypotheses=["magic"])
    assert err.value.issues[0]["value"] == "magic"
    with pytest.raises(TypeError):
        mnsim.pattern(42)
    with pytest.raises(TypeError):
        mnsim.Case("not made by a factory")
