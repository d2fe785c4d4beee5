from django.urls import path

from project.articles import views

app_name = "articles"
urlpatterns = [
    path("", views.ArticleListView.as_view(), name="list"),
    path("privacy/", views.PrivacyView.as_view(), name="privacy"),
    path("articoli/<str:slug>/", views.article_detail, name="detail"),
]
