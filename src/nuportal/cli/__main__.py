"""``python -m nuportal.cli``: the same as the ``nuportal`` console script."""

from nuportal.cli.app import main

main()
