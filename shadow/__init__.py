"""Shadow run: replays stored responses of the running database through a
candidate schema deployed elsewhere and reports every derived row that
differs (scripts/shadow.sh deploys the candidate; `python -m shadow` copies,
replays and compares). See docs/shadow.md."""
