"""The alarm centre's services, one module per part: `devices`, `ingest`, `console`, `calls`, `care`
(import the module: `from yanglao.alarms.services import console`)."""
