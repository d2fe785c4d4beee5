"""The WordPress import: reading export files as a stream, repairing their bad bytes,
matching posts to the site's objects, WordPress's HTML to the app's text, and storing."""
