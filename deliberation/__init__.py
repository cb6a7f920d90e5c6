"""Deliberation: consultations, ideas, three ways of voting, debates, moderation, institutions' answers."""
