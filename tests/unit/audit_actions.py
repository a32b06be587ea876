"""Every audit action the code can write, read from the source (no service is run).

An action reaches the log as the first argument of ``record``/``record_refusal``, or as
the ``action=`` keyword of a helper that passes it on (``ensure_unlocked``). Besides
string literals, the finder follows:
- a name assigned in the same function (``action = "a" if x else "b"``);
- a parameter of the enclosing function: the values passed for it at every call site;
- ``TABLE[key]`` where TABLE is a module-level dict literal: all its values.
Anything else is reported as unresolved, so a new kind of call site fails the test
instead of slipping past it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("venture", "workers")
WRITERS = {"record", "record_refusal"}


@dataclass
class Found:
    actions: dict[str, list[str]] = field(default_factory=dict)  # action -> where
    unresolved: list[str] = field(default_factory=list)


def _strings(node) -> list[str] | None:
    """The string literals an expression can evaluate to, or None if it is not only literals."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, other = _strings(node.body), _strings(node.orelse)
        return body + other if body is not None and other is not None else None
    return None


class _Module:
    def __init__(self, path: Path):
        self.path = path
        self.tree = ast.parse(path.read_text(), filename=str(path))
        self.parents: dict[ast.AST, ast.AST] = {}
        for parent in ast.walk(self.tree):
            for child in ast.iter_child_nodes(parent):
                self.parents[child] = parent
        self.tables = {}
        for stmt in self.tree.body:
            if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Dict):
                for target in stmt.targets:
                    if isinstance(target, ast.Name):
                        self.tables[target.id] = stmt.value

    def function_of(self, node) -> ast.FunctionDef | None:
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                return node
        return None


def _call_name(call: ast.Call) -> str:
    func = call.func
    return (
        func.id
        if isinstance(func, ast.Name)
        else func.attr
        if isinstance(func, ast.Attribute)
        else ""
    )


def _action_args(call: ast.Call):
    """The expressions a call passes as an audit action."""
    if _call_name(call) in WRITERS and call.args:
        yield call.args[0]
    for keyword in call.keywords:
        if keyword.arg == "action":
            yield keyword.value


def find_actions() -> Found:
    # venture/audit itself only passes entries through (entry.action); it writes no action.
    modules = [
        _Module(p)
        for folder in SOURCES
        for p in sorted((ROOT / folder).rglob("*.py"))
        if (ROOT / "venture" / "audit") not in p.parents
    ]
    finder = _Finder(modules)
    for module, call in finder.calls:
        for expr in _action_args(call):
            finder.resolve(module, expr, _where(module, call))
    return finder.found


def _where(module: _Module, call: ast.Call) -> str:
    return f"{module.path.relative_to(ROOT)}:{call.lineno}"


def _assigned(function, name: str) -> list:
    """The values assigned to ``name`` anywhere in the function."""
    return [
        n.value
        for n in ast.walk(function)
        if isinstance(n, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == name for t in n.targets)
    ]


def _passed(call: ast.Call, name: str, position: int | None) -> list:
    """What a call passes for the parameter ``name`` (by keyword, else by position)."""
    passed = [k.value for k in call.keywords if k.arg == name]
    if not passed and position is not None and position < len(call.args):
        passed = [call.args[position]]
    return passed


class _Finder:
    """Follows an action expression back to the string literals it can be."""

    def __init__(self, modules: list[_Module]):
        self.calls = [
            (m, node) for m in modules for node in ast.walk(m.tree) if isinstance(node, ast.Call)
        ]
        self.found = Found()

    def resolve(self, module: _Module, expr, where: str, depth: int = 0) -> None:
        values = _strings(expr)
        if values is not None:
            for value in values:
                self.found.actions.setdefault(value, []).append(where)
        elif _is_table_lookup(module, expr):
            for value in module.tables[expr.value.id].values:
                self.resolve(module, value, where, depth)
        elif not self._resolve_name(module, expr, where, depth):
            self.found.unresolved.append(f"{where}: {ast.unparse(expr)}")

    def _resolve_name(self, module: _Module, expr, where: str, depth: int) -> bool:
        """A name assigned in its function, or one of its parameters; False if neither."""
        function = module.function_of(expr)
        if not isinstance(expr, ast.Name) or function is None or depth >= 4:
            return False
        assigned = _assigned(function, expr.id)
        if assigned:
            for value in assigned:
                self.resolve(module, value, where, depth + 1)
            return True
        params = [a.arg for a in function.args.posonlyargs + function.args.args]
        keyword_only = [a.arg for a in function.args.kwonlyargs]
        if expr.id not in params and expr.id not in keyword_only:
            return False
        position = params.index(expr.id) if expr.id in params else None
        for other, call in self.calls:
            if _call_name(call) == function.name:
                for value in _passed(call, expr.id, position):
                    self.resolve(other, value, _where(other, call), depth + 1)
        return True


def _is_table_lookup(module: _Module, expr) -> bool:
    return (
        isinstance(expr, ast.Subscript)
        and isinstance(expr.value, ast.Name)
        and expr.value.id in module.tables
    )


if __name__ == "__main__":
    result = find_actions()
    for action in sorted(result.actions):
        print(action, result.actions[action][0])
    print("unresolved:", result.unresolved)
