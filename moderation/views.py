"""The reader's side: posting a comment."""

from django.http import HttpResponse


def post_comment(request):
    return HttpResponse(status=501)
