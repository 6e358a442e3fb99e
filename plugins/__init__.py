"""GovHall's built-in center plugins. Each is independent: none imports another."""
