"""dapt: adapt language models to healthcare and finance text, safely."""

__version__ = "0.1.0"
