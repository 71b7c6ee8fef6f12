"""Entrypoint mixins of the inventory service, one file per topic; service.py combines them."""
