"""Who may see rankings: organizers see everything (judges by name); nobody else sees a
ranking before results are published. Published sheets are public once results are
final, so anyone can recompute them."""

from __future__ import annotations


def can_view_rankings(user, competition) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_organizer", False))


def can_compute(user, competition) -> bool:
    return can_view_rankings(user, competition)


def can_download_published_sheets(competition) -> bool:
    return competition is not None and competition.results_final_at is not None
