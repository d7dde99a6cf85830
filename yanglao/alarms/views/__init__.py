"""The alarm centre's views, one module per part: `devices`, `ingest`, `console`, `calls`, `care`
(import the module: `from yanglao.alarms.views import console`)."""
