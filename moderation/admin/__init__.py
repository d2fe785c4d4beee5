"""The moderation admin: the comment queue, the author rules and the model registry.

Only users with ``moderation.can_moderate`` see comments; the status is read-only
everywhere and changes only through the actions. Each part lives in its own module; this
one registers them.
"""

from django.contrib import admin

from moderation.admin.author_rules import AuthorRuleAdmin
from moderation.admin.comments import CommentAdmin
from moderation.admin.model_versions import ModelActivationAdmin, ModelVersionAdmin
from moderation.models import AuthorRule, Comment, ModelActivation, ModelVersion

admin.site.register(Comment, CommentAdmin)
admin.site.register(AuthorRule, AuthorRuleAdmin)
admin.site.register(ModelVersion, ModelVersionAdmin)
admin.site.register(ModelActivation, ModelActivationAdmin)
