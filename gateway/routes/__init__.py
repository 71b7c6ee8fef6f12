"""Route mixins of the gateway, one file per topic; gateway/service.py combines them."""
