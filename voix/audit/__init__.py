"""The staff audit trail: who exported answers, read residents' raw words, erased or
purged data, and when. Admins read it at /admin/journal.

It records what happened, never the data itself: an erasure says which card and how many
rows, not what they said.
"""
from .models import AuditEvent, record, record_read

__all__ = ["AuditEvent", "record", "record_read"]
