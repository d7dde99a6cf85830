"""The one-command demo: embedded default plus DEBUG-free local serving."""

from .base import *  # noqa: F403
