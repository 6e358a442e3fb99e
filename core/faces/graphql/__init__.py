"""The GraphQL face of the core: one module per part of the schema, merged in :mod:`.schema`."""
