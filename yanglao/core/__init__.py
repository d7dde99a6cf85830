"""core: regions, organisations, accounts and roles, region-scoped access, audit."""
