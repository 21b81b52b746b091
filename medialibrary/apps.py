from django.apps import AppConfig


class MediaConfig(AppConfig):
    # The folder is medialibrary/ because the project's own media/ folder holds
    # the uploaded files (MEDIA_ROOT); the label stays "media": the models are
    # media.Picture, the admin's URLs /admin/media/picture/.
    name = "medialibrary"
    label = "media"
    verbose_name = "Media library"
