"""Faces: how the services are reached: the ASGI app and HTTP routes, GraphQL, the command line."""
