"""Map one page: open it in Chromium, capture its forms, and plan them with the three layers."""

from __future__ import annotations

from playwright.sync_api import Browser, sync_playwright

from directory_pipeline.browser.capture import capture_page, open_target
from directory_pipeline.browser.launch import launch_chromium
from directory_pipeline.forms.mapper import map_form
from directory_pipeline.forms.schema import FormSchema
from directory_pipeline.forms.service import MappedPage, classifier_from, directory_for_url
from directory_pipeline.settings import Settings
from directory_pipeline.store.form_plans import plan_cache_from


def capture_target(target: str, browser: Browser) -> FormSchema:
    context = browser.new_context()
    try:
        page = context.new_page()
        open_target(page, target)
        return capture_page(page)
    finally:
        context.close()


def map_target(
    target: str,
    settings: Settings,
    *,
    use_llm: bool = True,
    directory_slug: str | None = None,
    browser: Browser | None = None,
) -> MappedPage:
    """Open, capture and map one page; launches Chromium unless given a browser."""
    if browser is not None:
        schema = capture_target(target, browser)
    else:
        with sync_playwright() as playwright:
            own = launch_chromium(playwright, settings.chromium_executable_path)
            try:
                schema = capture_target(target, own)
            finally:
                own.close()
    slug = directory_slug or directory_for_url(schema.url, settings)
    plan = map_form(
        schema,
        directory_slug=slug,
        cache=plan_cache_from(settings) if slug else None,
        classifier=classifier_from(settings) if use_llm else None,
    )
    return MappedPage(schema=schema, plan=plan)
