"""The type stubs (python/mnsim/__init__.pyi) describe the module as it is:
the same public names, the same functions with the same parameters and
defaults, and every public function and class has a docstring."""

import ast
import inspect
from pathlib import Path

import mnsim

STUB = Path(mnsim.__file__).with_name("__init__.pyi")


def stub_tree():
    return ast.parse(STUB.read_text())


def test_stub_names_are_the_modules():
    tree = stub_tree()
    stubbed = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    public = set(mnsim.__all__)
    assert public <= stubbed, f"not in the stubs: {sorted(public - stubbed)}"
    assert {n for n in stubbed if not n.startswith("_")} <= public


def test_stub_signatures_match():
    for node in stub_tree().body:
        if not isinstance(node, ast.FunctionDef):
            continue
        real = inspect.signature(getattr(mnsim, node.name))
        stub_params = [a.arg for a in node.args.args]
        assert stub_params == list(real.parameters), node.name
        defaults = [ast.literal_eval(d) for d in node.args.defaults]
        real_defaults = [p.default for p in real.parameters.values()
                         if p.default is not inspect.Parameter.empty]
        assert defaults == real_defaults, node.name


def test_stub_case_methods_match():
    (case,) = [n for n in stub_tree().body if isinstance(n, ast.ClassDef) and n.name == "Case"]
    for node in case.body:
        if isinstance(node, ast.FunctionDef):
            assert hasattr(mnsim.Case, node.name), node.name
            if not any(isinstance(d, ast.Name) and d.id == "property" for d in node.decorator_list):
                real = inspect.signature(getattr(mnsim.Case, node.name))
                params = [a.arg for a in node.args.args]
                if params and params[0] in ("self", "cls"):
                    params = params[1:]
                real_params = [p for p in real.parameters if p != "self"]
                assert params == real_params, node.name


def test_docstrings():
    for name in mnsim.__all__:
        obj = getattr(mnsim, name)
        assert obj.__doc__ and len(obj.__doc__.strip()) > 20, name
    for name in ("from_file", "from_toml", "from_dict", "default", "with_changes", "to_dict"):
        assert getattr(mnsim.Case, name).__doc__, name
