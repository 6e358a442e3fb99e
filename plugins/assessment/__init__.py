"""考核: window, staff and department scoring rules (seeds 001, 002)."""
