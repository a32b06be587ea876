"""The assignment solver: exactly k judges, balanced loads, no conflicts, anchors,
maximum load, determinism, and a precise reason when it cannot be done."""

from __future__ import annotations

import random

import pytest

from venture.judging.solver import AppSpec, Infeasible, Problem, solve


def make_problem(
    n_apps=23, n_judges=7, k=5, conflicts=(), max_load=None, anchors=0, seed=7, groups=None
):
    judges = list(range(1, n_judges + 1))
    names = {j: f"J{j}" for j in judges}
    groups = groups or {"all judges": judges}
    apps = []
    group_names = list(groups)
    for i in range(n_apps):
        group = group_names[i % len(group_names)]
        panel = set(groups[group])
        eligible = frozenset(panel - {j for a, j in conflicts if a == 100 + i})
        apps.append(
            AppSpec(id=100 + i, label=f"GY2026-{i + 1:03d}", group=group, eligible=eligible)
        )
    return Problem(
        apps=apps,
        panels={g: frozenset(v) for g, v in groups.items()},
        judge_names=names,
        k=k,
        max_load=max_load,
        anchor_count=anchors,
        seed=seed,
    )


def per_app(solution):
    out = {}
    for a, j in solution.pairs:
        out.setdefault(a, set()).add(j)
    return out


def test_every_application_gets_exactly_k_and_loads_differ_by_at_most_one():
    rng = random.Random(1)
    conflicts = {(100 + rng.randrange(23), rng.randrange(1, 8)) for _ in range(12)}
    problem = make_problem(conflicts=conflicts)
    solution = solve(problem)
    assert all(len(js) == 5 for js in per_app(solution).values())
    assert len(per_app(solution)) == 23
    assert not (solution.pairs & conflicts)
    assert max(solution.loads.values()) - min(solution.loads.values()) <= 1
    assert sum(solution.loads.values()) == 23 * 5


def test_same_seed_same_result_other_seed_other_result():
    a = solve(make_problem(seed=11)).pairs
    assert a == solve(make_problem(seed=11)).pairs
    assert a != solve(make_problem(seed=12)).pairs


def test_max_load_is_respected_and_too_little_capacity_is_explained():
    solution = solve(make_problem(n_apps=14, n_judges=7, k=5, max_load=10))
    assert max(solution.loads.values()) <= 10
    with pytest.raises(Infeasible) as info:
        solve(make_problem(n_apps=15, n_judges=7, k=5, max_load=10))
    assert "70" in str(info.value) and "75" in str(info.value)


def test_too_few_judges_without_conflict_names_the_category_and_application():
    groups = {"category 为老服务": [1, 2, 3, 4, 5, 6], "category 助残服务": [4, 5, 6, 7, 8]}
    conflicts = {(101, 7), (101, 8)}  # app 101 is in 助残服务 (odd index)
    problem = make_problem(n_apps=6, n_judges=8, conflicts=conflicts, groups=groups)
    with pytest.raises(Infeasible) as info:
        solve(problem)
    assert info.value.reasons == [
        "category 助残服务: 3 judges without conflict, 5 needed for GY2026-002."
    ]


def test_per_category_panels_balance_within_each_panel():
    groups = {"A": [1, 2, 3, 4, 5, 6], "B": [7, 8, 9, 10, 11]}
    solution = solve(make_problem(n_apps=20, n_judges=11, k=3, groups=groups))
    loads_a = [solution.loads[j] for j in groups["A"]]
    loads_b = [solution.loads[j] for j in groups["B"]]
    assert max(loads_a) - min(loads_a) <= 1 and max(loads_b) - min(loads_b) <= 1
    for a, judges in per_app(solution).items():
        assert judges <= set(groups["A"] if (a - 100) % 2 == 0 else groups["B"])


def test_anchors_go_to_every_judge():
    solution = solve(make_problem(n_apps=20, n_judges=7, k=3, anchors=2, conflicts={(100, 1)}))
    anchor_apps = {a for a, _j in solution.anchors}
    assert len(anchor_apps) == 2 and 100 not in anchor_apps
    for a in anchor_apps:
        assert per_app(solution)[a] == set(range(1, 8))
    others = [js for a, js in per_app(solution).items() if a not in anchor_apps]
    assert all(len(js) == 3 for js in others)
    assert max(solution.loads.values()) - min(solution.loads.values()) <= 1


def test_max_load_bottleneck_names_the_stuck_applications():
    # Applications 0..3 may only use judges 1..3 (the others conflict); 1..3 can take 3 each.
    conflicts = {(100 + i, j) for i in range(4) for j in range(4, 8)}
    with pytest.raises(Infeasible) as info:
        solve(make_problem(n_apps=6, n_judges=7, k=3, max_load=3, conflicts=conflicts))
    message = str(info.value)
    assert "GY2026-001" in message and "J1" in message and "J5" not in message


def test_fixed_judges_are_kept():
    problem = make_problem(n_apps=5, n_judges=6, k=3)
    app = problem.apps[0]
    problem.apps[0] = AppSpec(
        id=app.id, label=app.label, group=app.group, eligible=app.eligible, fixed=frozenset({6})
    )
    solution = solve(problem)
    assert 6 in per_app(solution)[app.id] and len(per_app(solution)[app.id]) == 3


def test_more_kept_judges_than_k_is_explained_not_a_crash():
    problem = make_problem(n_apps=5, n_judges=6, k=3)
    app = problem.apps[2]
    problem.apps[2] = AppSpec(
        id=app.id,
        label=app.label,
        group=app.group,
        eligible=app.eligible,
        fixed=frozenset({1, 2, 3, 4}),
    )
    with pytest.raises(Infeasible) as info:
        solve(problem)
    message = str(info.value)
    assert "GY2026-003" in message and "4" in message and "3" in message
