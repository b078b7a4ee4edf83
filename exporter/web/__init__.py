"""The web face: the HTTP server and what guards it, and the pages. The pages read the snapshot
only, never OpenStack.

One concern per module: ``serving`` (cheroot, time-outs, TLS), ``webconfig`` (--web.config.file),
``guard`` (headers, rate limit, basic auth, methods); ``html`` (layout, escaping),
``snapshot_view`` (facts read back from the stored families), ``capacity`` (N+1 arithmetic),
``remedies`` (CLI commands per problem), ``console`` and ``problems_page`` (the two pages).
"""
