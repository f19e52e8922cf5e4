"""``python -m nuportal``: the same as the ``nuportal`` console script."""

from nuportal.cli import main

main()
