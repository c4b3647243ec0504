"""Form intelligence: capture a page's forms, fingerprint them, map fields to profile keys."""
