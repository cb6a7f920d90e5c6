"""Recurring surveys: questionnaire -> version -> wave -> response.

A version is immutable once a wave using it has answers; question codes stay stable
across versions so that waves can be compared.
"""
