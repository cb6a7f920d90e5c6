"""Kiosk mode: shared tablets in EPN and centres sociaux, registered by a facilitator."""
