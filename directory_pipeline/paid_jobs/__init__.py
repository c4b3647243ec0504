"""A customer's paid job worked through: plan it, submit to each directory, record each outcome."""
