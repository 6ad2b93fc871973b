"""``openimapi.v1``: the IMAPI v1 object model (see openimapi.imapi1)."""

from openimapi.imapi1 import *  # noqa: F403
from openimapi.imapi1 import __all__ as __all__
