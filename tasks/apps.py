from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class TasksConfig(AppConfig):
    name = "tasks"
    verbose_name = "Background tasks"

    def ready(self):
        # Every app's tasks.py declares its tasks and recurring jobs; import them all so a
        # worker knows every recurring job and the admin can name every task.
        autodiscover_modules("tasks")
