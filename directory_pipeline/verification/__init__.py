"""E-mail verification: reading the mail directories send, matching it to a submission, and
deciding which link or code (if any) may be used. Pure decisions here; following a link in
Chromium and moving a result's status happen at the edges."""
