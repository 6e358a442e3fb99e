"""Fuzzing the GraphQL API (schemathesis); see tests/fuzz/graphql_fuzz.py and README."""
