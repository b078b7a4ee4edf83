"""The web face: the HTTP server, its guard (TLS, auth, methods) and the console pages."""
