"""The moderation admin: the comment queue, the author rules and the model registry.

Only users with ``moderation.can_moderate`` see comments; the status is read-only
everywhere and changes only through the actions. Each part lives in its own module; this
one registers them.
"""

from django.contrib import admin

from ..models import AuthorRule, Comment, ModelActivation, ModelVersion
from .author_rules import AuthorRuleAdmin
from .comments import CommentAdmin
from .model_versions import ModelActivationAdmin, ModelVersionAdmin

admin.site.register(Comment, CommentAdmin)
admin.site.register(AuthorRule, AuthorRuleAdmin)
admin.site.register(ModelVersion, ModelVersionAdmin)
admin.site.register(ModelActivation, ModelActivationAdmin)
