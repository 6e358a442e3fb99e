"""HTTP routes that are not GraphQL: document and material downloads, statistics exports."""
