"""The environment the site and its tools read: real variables, then the optional .env file.

One place so that settings, gunicorn's config and the commands agree on where ``.env``
lives (``ENV_FILE``, default: ``.env`` in the project folder) and on precedence (a real
environment variable always wins over the file).
"""

import os
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
ENV_FILE = Path(os.environ.get("ENV_FILE") or BASE_DIR / ".env")

env = environ.Env()
environ.Env.read_env(ENV_FILE, overwrite=False)
