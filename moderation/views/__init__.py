"""The reader's HTML views: posting a comment, the live updates of an open page, and the
reader's actions on their comments (edit, delete, report, reply mails)."""
