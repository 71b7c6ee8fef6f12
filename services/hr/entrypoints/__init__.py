"""Entrypoint mixins of the hr service, one file per topic; service.py combines them."""
