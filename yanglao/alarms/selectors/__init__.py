"""The alarm centre's selectors, one module per part: `devices`, `ingest`, `console`, `calls`, `care`
(import the module: `from yanglao.alarms.selectors import console`)."""
