from django.urls import path

from faq import views

app_name = "faq"

urlpatterns = [
    path("", views.HomeView.as_view(), name="index"),
    path("topics/<slug:slug>/", views.CategoryView.as_view(), name="category"),
    path("questions/<slug:slug>/", views.EntryView.as_view(), name="entry"),
    path("contact/", views.ContactView.as_view(), name="contact"),
    path("search/", views.search, name="search"),
    path(
        "language-assistance/", views.LanguageAssistanceView.as_view(), name="language_assistance"
    ),
]
