"""Services: accounts, centers, items, cases, the workflow, the clock and calendar, documents, materials, statistics, plugins."""
