"""Rows of the public notice without a rank or score say why."""

from __future__ import annotations

import re

from venture.extensions import db
from venture.results import services


def _notice_with_unranked(make):
    """Four applications: two ranked, one never shortlisted for the roadshow, one whose
    sheets gave no total; the results on public notice."""
    organizer = make.organizer()
    comp, apps, snapshot = make.results_setup(organizer=organizer, count=4)
    shortlist_missed, no_total = snapshot.entries[2], snapshot.entries[3]
    for entry in (shortlist_missed, no_total):
        entry.rank = entry.overall_rank = entry.score = None
    shortlist_missed.flags = ["incomplete_stages"]
    shortlist_missed.details = {
        "stages": {"online_review": "74.96"},
        "weights": {"online_review": "0.4", "roadshow": "0.6"},
    }
    db.session.commit()
    services.generate_decisions(comp, organizer)
    services.approve(comp, organizer)
    db.session.commit()
    return comp, apps


def _rows(html: str) -> dict[str, str]:
    """Each application code → its table row (HTML)."""
    return {
        re.search(r"[A-Z]+\d+-\d{3}", row).group(): row
        for row in re.findall(r"<tr>(.*?)</tr>", html, re.S)
        if re.search(r"[A-Z]+\d+-\d{3}", row)
    }


def test_each_row_without_rank_or_score_points_to_its_reason(make, client):
    comp, apps = _notice_with_unranked(make)
    html = client.get(f"/results/{comp.id}").get_data(as_text=True)
    notes = dict(re.findall(r'<li id="unranked-(\d+)">(.*?)</li>', html))
    rows = _rows(html)

    def note_of(app) -> str:
        return notes[re.search(r'href="#unranked-(\d+)"', rows[app.display_code]).group(1)]

    assert len(notes) == 2
    assert "路演" in note_of(apps[2]) and "未入围" in note_of(apps[2])
    assert "总分" in note_of(apps[3])
    for ranked in apps[:2]:
        assert "unranked" not in rows[ranked.display_code]


def test_a_notice_where_every_row_is_ranked_has_no_notes(make, client):
    organizer = make.organizer()
    comp, apps, snapshot = make.results_setup(organizer=organizer, count=2)
    services.generate_decisions(comp, organizer)
    services.approve(comp, organizer)
    db.session.commit()
    html = client.get(f"/results/{comp.id}").get_data(as_text=True)
    assert 'data-testid="unranked-notes"' not in html and "unranked-" not in html
