"""What an operator sees: one JSON event per log line, and Prometheus metrics.

Both are built so that an attacker who reads them learns nothing about anyone: a request is
logged by its route template (never the URL, which can carry ids and tokens), its status,
duration and the internal account id; never a name, an email, a token or any letter text.
"""
