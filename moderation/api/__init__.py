"""The REST API (Django REST framework): readers' comments and the moderators' queue."""
