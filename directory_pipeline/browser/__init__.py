"""Real Chromium through Playwright: launching, and (later) filling, submitting, evidence."""
