from django.urls import path

from . import views

app_name = "ingest"

urlpatterns = [
    path("", views.IngestView.as_view(), name="ingest"),
    path("runs/<int:pk>/", views.RunView.as_view(), name="run"),
]
