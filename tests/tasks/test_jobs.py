"""The housekeeping that used to need cron is declared as recurring jobs, intervals from settings."""

from datetime import timedelta

from django.conf import settings

from tasks.recurring import JOBS

from . import jobs


def test_every_housekeeping_job_is_declared_with_its_interval_setting():
    expected = {
        "articles.tasks.cache_images": settings.JOB_CACHE_IMAGES_SECONDS,
        "articles.tasks.prune_images": settings.JOB_PRUNE_IMAGES_SECONDS,
        "stories.tasks.build_stories": settings.JOB_BUILD_STORIES_SECONDS,
        "revisions.tasks.prune_revisions": settings.JOB_PRUNE_REVISIONS_SECONDS,
        "search.tasks.check_search_index": settings.JOB_SEARCH_INDEX_CHECK_SECONDS,
    }
    assert {name: JOBS[name].interval for name in expected} == {
        name: timedelta(seconds=value) for name, value in expected.items()
    }


def test_an_interval_of_zero_turns_a_job_off():
    assert jobs.switched_off.module_path == "tests.tasks.jobs.switched_off"
    assert jobs.switched_off.module_path not in JOBS
