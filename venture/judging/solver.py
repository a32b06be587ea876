"""Balanced assignment of judges to applications, as a min-cost flow (pure: no Flask, no DB).

The network: source → application (capacity: judges still needed) → judge (capacity 1,
only judges of the application's panel without a conflict; cost: a seeded random
tie-break) → sink through unit edges whose cost grows with the judge's load (the
marginal cost of load², weighted to dominate the tie-break). A min-cost flow therefore
minimises Σ load², which on this kind of network (its feasible loads form a polymatroid)
also minimises the highest load and maximises the lowest: loads differ by at most one
wherever the panels and conflicts allow it. Same input and seed → same result.

Anchors (for severity calibration) are chosen first: per panel, ``anchor_count``
applications without a conflict with any of the panel's judges go to every judge of the
panel, so all of them score the same few applications.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field

import networkx as nx
from flask_babel import gettext as _

TIE_BREAK_RANGE = 1000


@dataclass(frozen=True)
class AppSpec:
    id: int
    label: str  # e.g. GY2026-014
    group: str  # the panel it draws from, for messages ("category 助残服务")
    eligible: frozenset[int]  # judges of its panel without a conflict
    fixed: frozenset[int] = frozenset()  # judges kept from before (they started a sheet)


@dataclass
class Problem:
    apps: list[AppSpec]
    panels: dict[str, frozenset[int]]  # group -> the panel's judges
    judge_names: dict[int, str]
    k: int
    max_load: int | None = None
    anchor_count: int = 0
    seed: int = 0


@dataclass
class Solution:
    pairs: set[tuple[int, int]]  # (application id, judge id), fixed ones included
    anchors: set[tuple[int, int]]  # the anchor pairs (a subset of pairs)
    loads: dict[int, int]  # judge id -> number of applications
    notes: list[str] = field(default_factory=list)

    @property
    def spread(self) -> int:
        return max(self.loads.values()) - min(self.loads.values()) if self.loads else 0


class Infeasible(Exception):
    """No valid assignment exists; ``reasons`` say exactly why (translated)."""

    def __init__(self, reasons: list[str]):
        self.reasons = reasons
        super().__init__("; ".join(reasons))


def _names(ids, names: dict[int, str], limit: int = 8) -> str:
    shown = [names.get(i, str(i)) for i in sorted(ids, key=lambda i: names.get(i, str(i)))]
    return "、".join(shown[:limit]) + ("…" if len(shown) > limit else "")


def _labels(apps, limit: int = 8) -> str:
    shown = sorted(a.label for a in apps)
    return "、".join(shown[:limit]) + ("…" if len(shown) > limit else "")


def choose_anchors(problem: Problem) -> dict[str, list[AppSpec]]:
    """Per panel, the anchor applications (no conflict with any judge of the panel)."""
    if problem.anchor_count <= 0:
        return {}
    rng = random.Random(f"{problem.seed}:anchors")
    by_group: dict[str, list[AppSpec]] = defaultdict(list)
    for app in sorted(problem.apps, key=lambda a: a.id):
        by_group[app.group].append(app)
    chosen, reasons = {}, []
    for group in sorted(by_group):
        panel = problem.panels.get(group, frozenset())
        clean = [a for a in by_group[group] if panel and panel <= a.eligible]
        rng.shuffle(clean)
        if len(clean) < problem.anchor_count:
            reasons.append(
                _(
                    "%(group)s: only %(n)d applications have no conflict with any judge of the panel; "
                    "%(anchors)d anchors are needed.",
                    group=group,
                    n=len(clean),
                    anchors=problem.anchor_count,
                )
            )
        chosen[group] = sorted(clean[: problem.anchor_count], key=lambda a: a.id)
    if reasons:
        raise Infeasible(reasons)
    return chosen


def solve(problem: Problem) -> Solution:
    k, max_load = problem.k, problem.max_load
    _check_enough_judges(problem)
    anchor_pairs = _anchor_pairs(problem)
    anchor_ids = {a for a, _j in anchor_pairs}

    base: dict[int, int] = defaultdict(int)  # load before the flow: anchors and kept pairs
    fixed_pairs = {(a.id, j) for a in problem.apps for j in a.fixed}
    for _a, j in fixed_pairs | anchor_pairs:
        base[j] += 1
    judges = sorted(
        set().union(*problem.panels.values(), *(a.eligible for a in problem.apps), base)
    )

    demand = {a.id: 0 if a.id in anchor_ids else max(0, k - len(a.fixed)) for a in problem.apps}
    total = sum(demand.values())
    capacity = {j: (max_load - base[j]) if max_load is not None else total for j in judges}
    if max_load is not None:
        _check_capacity(problem, judges, base, capacity, total)

    pairs = set(fixed_pairs) | anchor_pairs | _flow_pairs(problem, demand, capacity, base, judges)
    solution = Solution(pairs=pairs, anchors=anchor_pairs, loads=_loads(pairs, judges))
    verify(problem, solution)
    if solution.spread > 1:
        solution.notes.append(
            _(
                "Loads range from %(low)d to %(high)d: the panels, conflicts and maximum load "
                "do not allow a more even split.",
                low=min(solution.loads.values()),
                high=max(solution.loads.values()),
            )
        )
    return solution


def _check_enough_judges(problem: Problem) -> None:
    """Every application can get its k judges from its panel, and has no more kept than k."""
    k = problem.k
    reasons = []
    for app in sorted(problem.apps, key=lambda a: a.label):
        if len(app.eligible | app.fixed) < k:
            reasons.append(
                _(
                    "%(group)s: %(n)d judges without conflict, %(k)d needed for %(app)s.",
                    group=app.group,
                    n=len(app.eligible | app.fixed),
                    k=k,
                    app=app.label,
                )
            )
        if len(app.fixed) > k:  # judges who started a sheet stay; they cannot be cut down to k
            reasons.append(
                _(
                    "%(app)s already has %(n)d judges who started a sheet, more than the %(k)d per "
                    "application: remove some by hand or raise the number of judges per application.",
                    app=app.label,
                    n=len(app.fixed),
                    k=k,
                )
            )
    if reasons:
        raise Infeasible(reasons)


def _anchor_pairs(problem: Problem) -> set[tuple[int, int]]:
    """Each anchor application with every judge of its panel."""
    pairs: set[tuple[int, int]] = set()
    for group, apps in choose_anchors(problem).items():
        for app in apps:
            pairs |= {(app.id, j) for j in problem.panels[group]}
    return pairs


def _check_capacity(problem: Problem, judges, base, capacity, total: int) -> None:
    """Under a maximum load: no judge above it already, and room enough for the demand."""
    max_load = problem.max_load
    reasons = []
    over = [j for j in judges if capacity[j] < 0]
    for j in over:
        reasons.append(
            _(
                "%(judge)s already has %(n)d applications (anchors and started sheets), above the "
                "maximum load of %(max)d.",
                judge=problem.judge_names.get(j, j),
                n=base[j],
                max=max_load,
            )
        )
    room = sum(max(0, c) for c in capacity.values())
    if room < total:
        reasons.append(
            _(
                "Total capacity below demand: %(judges)d judges with a maximum load of %(max)d can "
                "take %(room)d more applications, %(total)d are needed (%(apps)d applications × "
                "%(k)d judges).",
                judges=len(judges),
                max=max_load,
                room=room,
                total=total,
                apps=len(problem.apps),
                k=problem.k,
            )
        )
    if reasons:
        raise Infeasible(reasons)


def _flow_pairs(problem: Problem, demand, capacity, base, judges) -> set[tuple[int, int]]:
    """The pairs the min-cost flow adds; a max-flow check first names the bottleneck when the
    demand cannot be met."""
    total = sum(demand.values())
    graph = _network(problem, demand, capacity, base, judges)
    simple = _collapsed(graph)
    flow_value, flow = nx.maximum_flow(simple, "s", "t", capacity="capacity")
    if flow_value < total:
        raise Infeasible([_bottleneck(problem, simple, flow, total - flow_value)])

    graph.nodes["s"]["demand"] = -total
    graph.nodes["t"]["demand"] = total
    _cost, flow = nx.network_simplex(graph)
    pairs = set()
    for app in problem.apps:
        for j, edges in flow.get(("a", app.id), {}).items():
            if sum(edges.values()) > 0:
                pairs.add((app.id, j[1]))
    return pairs


def _network(problem: Problem, demand, capacity, base, judges) -> nx.MultiDiGraph:
    rng = random.Random(problem.seed)
    total = sum(demand.values())
    weight = TIE_BREAK_RANGE * (total + 1)  # one step of Σ load² outweighs every tie-break
    graph = nx.MultiDiGraph()
    graph.add_node("s", demand=0)
    graph.add_node("t", demand=0)
    useful: dict[int, int] = defaultdict(int)
    for app in sorted(problem.apps, key=lambda a: a.id):
        if not demand[app.id]:
            continue
        graph.add_edge("s", ("a", app.id), capacity=demand[app.id], weight=0)
        for j in sorted(app.eligible - app.fixed):
            graph.add_edge(
                ("a", app.id), ("j", j), capacity=1, weight=rng.randrange(TIE_BREAK_RANGE)
            )
            useful[j] += 1
    for j in judges:
        for t in range(1, min(capacity[j], useful[j]) + 1):
            load = base[j] + t
            graph.add_edge(("j", j), "t", capacity=1, weight=weight * (2 * load - 1))
    return graph


def _collapsed(graph: nx.MultiDiGraph) -> nx.DiGraph:
    """The same network with parallel edges merged (for the max-flow check)."""
    simple = nx.DiGraph()
    for u, v, data in graph.edges(data=True):
        if simple.has_edge(u, v):
            simple[u][v]["capacity"] += data["capacity"]
        else:
            simple.add_edge(u, v, capacity=data["capacity"])
    return simple


def _bottleneck(problem: Problem, graph, flow, missing: int) -> str:
    """Name the applications that cannot be served and the judges they are stuck with."""
    residual = nx.DiGraph()
    for u, v, data in graph.edges(data=True):
        used = flow[u][v]
        if used < data["capacity"]:
            residual.add_edge(u, v)
        if used > 0:
            residual.add_edge(v, u)
    reachable = nx.descendants(residual, "s") if "s" in residual else set()
    apps = [a for a in problem.apps if ("a", a.id) in reachable]
    judges = {n[1] for n in reachable if isinstance(n, tuple) and n[0] == "j"}
    return _(
        "%(apps)s cannot get their %(k)d judges: their judges without conflict (%(judges)s) all reach the "
        "maximum load of %(max)d; %(missing)d more assignments are needed than they can take.",
        apps=_labels(apps),
        k=problem.k,
        judges=_names(judges, problem.judge_names),
        max=problem.max_load or 0,
        missing=missing,
    )


def _loads(pairs, judges) -> dict[int, int]:
    loads = {j: 0 for j in judges}
    for _a, j in pairs:
        loads[j] = loads.get(j, 0) + 1
    return loads


def verify(problem: Problem, solution: Solution) -> None:
    """Check the result against every rule; a failure here is a bug, not bad input."""
    per_app: dict[int, set[int]] = defaultdict(set)
    for a, j in solution.pairs:
        per_app[a].add(j)
    anchor_apps = {a for a, _j in solution.anchors}
    for app in problem.apps:
        judges = per_app[app.id]
        assert judges <= (app.eligible | app.fixed), f"conflicted judge on {app.label}"
        if app.id not in anchor_apps:
            assert len(judges) == problem.k, (
                f"{app.label} has {len(judges)} judges, not {problem.k}"
            )
        else:
            assert len(judges) >= problem.k, f"anchor {app.label} has too few judges"
    if problem.max_load is not None:
        assert all(load <= problem.max_load for load in solution.loads.values()), (
            "max load exceeded"
        )
