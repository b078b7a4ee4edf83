"""The web pages: the console at / and /problems. They read the snapshot only, never OpenStack.

One concern per module: ``html`` (layout, escaping), ``snapshot_view`` (facts read back from the
stored families), ``capacity`` (N+1 arithmetic), ``remedies`` (CLI commands per problem),
``console`` and ``problems_page`` (the two pages).
"""
