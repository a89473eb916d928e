"""Storage: SQLAlchemy models and the per-request session. No business rules here."""
