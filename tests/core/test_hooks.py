"""core.hooks: lower apps call a hook, upper apps fill it in ready()."""

import pytest

from core.hooks import Hook
from tickets import hooks


def test_it_calls_the_default_until_provided():
    hook = Hook("test.answer", lambda x: x + 1)
    assert hook(1) == 2
    hook.provide(lambda x: x * 10)
    assert hook(2) == 20


def test_it_refuses_a_second_different_provider():
    hook = Hook("test.twice", lambda: None)

    def first():
        return 1

    hook.provide(first)
    hook.provide(first)  # the same one again (a reloaded ready()) is fine
    with pytest.raises(RuntimeError, match="already provided"):
        hook.provide(lambda: 2)


def test_the_upper_apps_provide_the_ticket_hooks():
    """assets and surveys are installed: their functions answer, not the empty defaults."""
    from assets.selectors.register import assets_held_by, assets_reportable_by
    from assets.selectors.store import ticket_store_context
    from surveys.selectors.ticket_surveys import survey_prompt

    assert hooks.assets_held_by.provider is assets_held_by
    assert hooks.assets_reportable_by.provider is assets_reportable_by
    assert hooks.ticket_page_context.provider is ticket_store_context
    assert hooks.survey_prompt.provider is survey_prompt
