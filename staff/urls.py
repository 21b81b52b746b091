"""Staff security pages, under the admin (mounted at /admin/security/)."""

from django.urls import path

from . import views

app_name = "staff"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("verify/", views.verify, name="verify"),
    path("enrol/", views.enrol, name="enrol"),
    path("recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("factors/<int:pk>/remove/", views.remove_authenticator, name="remove_authenticator"),
    path("passkeys/<int:pk>/remove/", views.remove_passkey, name="remove_passkey"),
    path("sessions/<uuid:pk>/end/", views.end_session, name="end_session"),
]
