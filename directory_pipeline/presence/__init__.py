"""Following submitted listings until they are live (issue 14): when to look, how to find a
listing on its directory, and whether its name, address and phone match the profile."""
