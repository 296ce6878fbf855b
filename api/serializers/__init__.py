"""Explicit-field serializers of the API; writes only check types, services decide."""
