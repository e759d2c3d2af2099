"""/state/'s "Which engine?" section: the verdict per engine from one source, and the GET form
that recommends one; answers it cannot take come back beside their questions with a 400."""

import re
from html import unescape
from urllib.parse import urlencode

import pytest
from django.conf import settings as django_settings
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shop.engine_choice import MANY_SHOPPERS, recommend, verdicts
from shop.engine_comparison import FACTS
from shop.engine_questions import EngineQuestionsForm

pytestmark = pytest.mark.django_db

FLEET = {
    "instances": "4",
    "sticky": "no",
    "deploys": "20",
    "survive": "failure",
    "stolen_cookie_readable": "no",
    "staff_end": "yes",
    "shoppers": str(MANY_SHOPPERS * 5),
}


@pytest.fixture
def shopper_client(db) -> Client:
    """A client on the test settings' own engine: the section is the same on every engine."""
    return Client()


def ask(client: Client, **answers: str):
    return client.get(f"/state/?{urlencode(answers)}")


def section(response) -> str:
    page = response.content.decode()
    return page.split('<section id="choose"')[1].split("</section>")[0]


def error_of(html: str, name: str) -> str:
    found = re.search(rf'<ul class="field-error" id="id_{name}_error">(.*?)</ul>', html, re.S)
    return unescape(re.sub(r"<[^>]+>", " ", found.group(1))).strip() if found else ""


def test_an_empty_form_shows_every_verdict_and_no_recommendation(shopper_client):
    response = shopper_client.get("/state/")
    assert response.status_code == 200
    choose = section(response)
    for verdict in verdicts():
        card = choose.split(f'data-testid="verdict-{verdict.backend}"')[1].split("</li>")[0]
        for line in (verdict.choose, verdict.avoid, verdict.cost):
            assert unescape(line) in unescape(card)  # the page's words are the source's
    assert 'data-testid="recommendation"' not in choose
    assert 'data-testid="questions-error"' not in choose
    assert 'method="get"' in choose and 'action="/state/#choose"' in choose
    assert 'name="instances" value="1"' in choose  # every question starts answered


def test_the_section_comes_before_everything_else_on_the_page(shopper_client):
    page = shopper_client.get("/state/").content.decode()
    main = page.split('<main class="wrap" id="content">')[1]
    assert main.index('id="choose"') < main.index('id="yours"') < main.index('id="engines"')


def test_answers_get_one_engine_and_the_reasons_from_the_facts(shopper_client):
    response = ask(shopper_client, **FLEET)
    assert response.status_code == 200
    choose = unescape(section(response))
    assert '<code data-testid="recommended">redis_db</code>' in choose
    assert "session reads stay off the database" in choose
    ruled_out = choose.split('data-testid="ruled-out"')[1].split("</ul>")[0]
    for engine in ("cookie", "redis", "memory", "file"):
        assert f"<code>{engine}</code>" in ruled_out
    assert unescape(FACTS["memory"].instances) in ruled_out
    assert "4 instances without sticky routing" in ruled_out
    lower = choose.split('data-testid="ranked-lower"')[1].split("</ul>")[0]
    assert "<code>db</code>" in lower and "query on the database" in lower
    assert 'class="verdict recommended" data-testid="verdict-redis_db"' in choose


def test_the_answers_given_stay_in_the_form(shopper_client):
    choose = section(ask(shopper_client, **{**FLEET, "instances": "7"}))
    assert 'name="instances" value="7"' in choose
    assert re.search(r'name="survive" value="failure"[^>]*checked', choose)


def test_each_question_moves_the_answer(shopper_client):
    one_small = {**FLEET, "instances": "1", "survive": "nothing", "deploys": "2",
                 "stolen_cookie_readable": "yes", "staff_end": "no", "shoppers": "200"}  # fmt: skip
    assert 'data-testid="recommended">memory<' in section(ask(shopper_client, **one_small))
    restart = {**one_small, "survive": "restart", "shoppers": str(MANY_SHOPPERS)}
    assert 'data-testid="recommended">file<' in section(ask(shopper_client, **restart))


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("instances", "-1", "Enter 1 or more."),
        ("instances", "0", "Enter 1 or more."),
        ("instances", "three", "Enter a whole number, such as 3."),
        ("instances", "2.5", "Enter a whole number, such as 3."),
        ("instances", "1e3", "Enter a whole number, such as 3."),
        ("instances", "9" * 5000, "Enter a whole number, such as 3."),
        ("instances", "1000000", "Enter 1000 or fewer."),
        ("instances", "", "Answer this question too."),
        ("deploys", "-4", "Enter 0 or more."),
        ("deploys", "weekly", "Enter a whole number, such as 3."),
        ("shoppers", "100000000000", "Enter 100000000 or fewer."),
        ("shoppers", "\x00", "Enter a whole number, such as 3."),
        ("sticky", "maybe", "Choose one of the answers shown."),
        ("survive", "forever", "Choose one of the answers shown."),
        ("stolen_cookie_readable", "YES", "Choose one of the answers shown."),
        ("staff_end", "", "Answer this question too."),
    ],
)
def test_a_bad_answer_comes_back_beside_its_question_with_a_400(
    shopper_client, name, value, message
):
    response = ask(shopper_client, **{**FLEET, name: value})
    assert response.status_code == 400
    choose = section(response)
    assert error_of(choose, name) == message
    assert 'data-testid="questions-error"' in choose
    assert 'data-testid="recommendation"' not in choose
    others = [field for field in FLEET if field != name]
    assert not any(error_of(choose, field) for field in others)
    assert "You have none yet" in response.content.decode()  # the rest of the page is there


def test_the_error_is_tied_to_its_field_for_screen_readers(shopper_client):
    choose = section(ask(shopper_client, **{**FLEET, "instances": "-2", "survive": "x"}))
    assert re.search(r'<input[^>]*name="instances"[^>]*aria-invalid="true"', choose)
    assert re.search(r'<input[^>]*aria-describedby="id_instances_error"', choose)
    assert re.search(r'<fieldset[^>]*aria-describedby="[^"]*id_survive_error"', choose)


def test_a_partly_answered_form_asks_for_the_rest(shopper_client):
    response = ask(shopper_client, instances="2")
    assert response.status_code == 400
    choose = section(response)
    assert error_of(choose, "instances") == ""
    assert error_of(choose, "survive") == "Answer this question too."


def test_unrelated_parameters_leave_the_form_unanswered(shopper_client):
    response = shopper_client.get("/state/?utm_source=mail&page=2")
    assert response.status_code == 200
    assert 'data-testid="recommendation"' not in section(response)


def test_a_repeated_answer_counts_its_last_value(shopper_client):
    response = shopper_client.get(f"/state/?{urlencode(FLEET)}&instances=2&instances=x")
    assert response.status_code == 400
    assert error_of(section(response), "instances") == "Enter a whole number, such as 3."


def test_the_form_only_reads(shopper_client):
    assert shopper_client.post("/state/", FLEET).status_code == 405
    assert ask(shopper_client, **FLEET).status_code == 200
    assert django_settings.SESSION_COOKIE_NAME not in shopper_client.cookies  # no session


ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=40) | st.sampled_from(
    ["", "0", "-0", "+3", "1_000", "٣", "1.0", "1e2", "inf", "NaN", "9" * 4400, " 2 "]
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(FLEET)), ANY_TEXT))
def test_any_answers_are_either_taken_or_refused_never_a_crash(answers):
    form = EngineQuestionsForm({**FLEET, **answers})
    if form.is_valid():
        assert recommend(form.answers()).engine in FACTS
    else:
        assert set(form.errors) <= set(FLEET)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.dictionaries(st.sampled_from(sorted(FLEET)), ANY_TEXT, min_size=1))
def test_the_page_answers_any_query_with_200_or_400(shopper_client, answers):
    response = shopper_client.get("/state/", {**FLEET, **answers})
    assert response.status_code in (200, 400)
