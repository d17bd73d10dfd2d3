"""The pipeline's exporter: the state of the pipeline, as the database sees
it, in Prometheus's text format; one process for the whole deployment."""
