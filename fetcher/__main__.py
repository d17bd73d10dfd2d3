"""python -m fetcher: see fetcher/main.py; configuration in fetcher/config.py."""

import sys

from .main import main

sys.exit(main())
