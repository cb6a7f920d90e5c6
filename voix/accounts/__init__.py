"""Staff accounts (admin, facilitator, moderator, evaluator), sessions and permissions."""
