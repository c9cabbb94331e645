"""Operations: the `/metrics` endpoint and what it computes from the database at scrape time.

Not a Django app (no models): an entry point beside `egov.urls`, so it may read every app's
tables for figures an operator watches (docs/operations.md)."""
