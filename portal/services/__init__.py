"""Services: each use case coordinates the domain rules, storage, crypto and the audit trail."""
