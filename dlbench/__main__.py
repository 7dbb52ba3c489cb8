"""``python -m dlbench``: the same command line as the ``dlbench`` script."""

from .cli import main

if __name__ == "__main__":
    main()
