"""A request's language ends with its response: the next work on the thread (a job, a
command, another test) speaks the site's language, not the last visitor's."""

from django.utils import translation


def test_it_gives_the_thread_back_its_language_after_an_english_request(world, client):
    translation.activate("zh-hans")
    response = client.get("/api/v1/accounts/me", headers={"Accept-Language": "en"})
    assert response["Content-Language"] == "en"
    assert translation.get_language() == "zh-hans"
