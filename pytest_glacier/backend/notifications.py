"""Placeholder: filled in by the vault control plane work."""
