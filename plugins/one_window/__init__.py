"""一窗受理: front-desk acceptance against the review checklist, hand-over to back offices, and the
unified pickup window (seeds 002, 003)."""
