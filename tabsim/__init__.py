"""tabsim: a simulator of the NZ TAB affiliates racing API.

It plays a seeded, reproducible racing day (model.py), answers in TAB's
envelope and field shapes (payloads.py) over HTTP on 127.0.0.1 (server.py),
and injects faults on demand. Run it with `python -m tabsim --help`.
"""
