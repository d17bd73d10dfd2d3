"""A small PostgREST-compatible HTTP front for the `api` schema.

It serves the subset of PostgREST's URL grammar the client uses, on machines
without the PostgREST binary. It holds no business logic: every answer is one
SQL statement over the `api` schema, run as the anonymous role.
"""
