"""Plumbing: the database (models, migrations, raw SQL), settings, errors and helpers that know nothing of cases."""
