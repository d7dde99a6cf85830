"""The ``yanglao`` command: Django's management commands under one name, hyphens allowed.

Examples: ``yanglao serve``, ``yanglao seed``, ``yanglao load-divisions``, ``yanglao migrate``,
``yanglao check --deploy``.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yanglao.settings.development")
    args = list(sys.argv[1:] if argv is None else argv)
    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["yanglao", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
