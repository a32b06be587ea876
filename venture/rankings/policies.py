"""Who may see rankings: organizers see everything (judges by name); nobody else sees a
ranking before results are published. Published sheets are public once results are
final, so anyone can recompute them."""

from __future__ import annotations


def can_view_rankings(user, competition) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_organizer", False))


def can_compute(user, competition) -> bool:
    return can_view_rankings(user, competition)


def published_sheet_stages(competition) -> list:
    """The stages whose sheets the public may download: those the final results combine,
    once the results are final (the evaluation stages' sheets stay private)."""
    from venture.rankings.final import COMBINED_STAGES

    if competition is None or competition.results_final_at is None:
        return []
    return [s for s in competition.stages if s.kind in COMBINED_STAGES]


def can_download_published_sheets(competition, stage) -> bool:
    return stage in published_sheet_stages(competition)
