"""The editorial workflow's old address: everything lives in ``articles.workflow`` now.

Kept so that callers written against ``publishing.publish(article, by=...)``,
``publishing.take``, ``publishing.STEPS`` and the rest keep working; new code
imports ``articles.workflow``. Nothing is defined here.
"""

from .workflow import *  # noqa: F403
from .workflow import __all__  # noqa: F401
