"""Project tools: commands for the people running the workflow, not jobs of it.

Each module is one command, found by name like a job kind (``new_study`` is
``diffgen new-study``), with ``add_arguments(parser)`` and ``run(args)``.
"""
