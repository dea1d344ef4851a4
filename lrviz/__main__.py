"""``python -m lrviz``: the same as the ``lrviz`` command."""

from .cli import main

if __name__ == "__main__":
    main()
