"""Telling people outside the portal: the neutral words of each notification, and the ways a
message leaves (SMTP, or a folder under `make run`). What is sent and when is the outbox
service's (portal.services.outbox); the worker calls it."""
