"""`make bench`: the pipeline and the API measured end to end (python -m bench)."""
