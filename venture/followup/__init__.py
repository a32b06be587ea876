"""Follow-up of funded projects: agreements, tranches, reports, evaluations (see services)."""
