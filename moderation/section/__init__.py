"""What the comment section under an article is made of: its context and threads, their
order and formatting, the form, the cache of shared pages, live updates, the reader's
cookies, and what the HTML and API views share."""
