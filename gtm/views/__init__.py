"""Output views: plans and reports rendered as text, JSON, markdown and GitHub annotations."""
