"""The command line (``python -m analytics``): one module per area, each with
``add_commands(subparsers, parents)``; argparse over the library's functions.

Command modules import the analytics they run inside their handlers, so ``--help`` and a
command that needs no model stay quick to start."""
