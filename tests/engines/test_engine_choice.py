"""Which engine to choose: each question moves the recommendation the way the engines' facts
say, the hard answers are never broken, and every engine has its verdict in three lines."""

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shop.engine_choice import (
    FREQUENT_DEPLOYS,
    MANY_SHOPPERS,
    Answers,
    recommend,
    verdicts,
)
from shop.engine_comparison import FACTS, FACTS_ONLY, Survival, comparison
from shop.sessions.config import SESSION_BACKENDS

ALL_SIX = {"cookie", "db", "redis", "redis_db", "memory", "file"}
# One small instance that can lose its sessions: memory's own case.
SMALL = Answers(
    instances=1,
    sticky=False,
    deploys_per_month=2,
    survive=Survival.NOTHING,
    copy_may_be_read=True,
    staff_end_sessions=False,
    shoppers=200,
)
# A fleet behind a round-robin balancer.
FLEET = replace(SMALL, instances=4, survive=Survival.FAILURE, deploys_per_month=20)
MANY = MANY_SHOPPERS * 5


def chosen(answers: Answers) -> str:
    return recommend(answers).engine


def test_every_engine_has_facts_and_a_verdict_whether_configured_yet_or_not():
    assert set(FACTS) == ALL_SIX
    assert set(SESSION_BACKENDS) <= ALL_SIX  # what config.py offers, the page explains
    for compared in (comparison(), FACTS_ONLY):
        lines = verdicts(compared)
        assert {v.backend for v in lines} == ALL_SIX
        assert all(v.choose and v.avoid and v.cost for v in lines)


def test_one_instance_that_may_lose_its_sessions_gets_memory_the_cheapest():
    recommendation = recommend(SMALL)
    assert recommendation.engine == "memory"
    assert any("cheapest" in point.reason for point in recommendation.points)


def test_several_instances_without_sticky_routing_never_get_memory_or_file():
    recommendation = recommend(replace(SMALL, instances=3))
    assert recommendation.engine not in {"memory", "file"}
    for engine in ("memory", "file"):
        ruled = recommendation.ruled_out[engine]
        assert ruled.answer == "3 instances without sticky routing"
        assert ruled.fact == FACTS[engine].instances  # the words of the facts table


def test_sticky_routing_lets_memory_back_in_with_the_re_routing_it_costs():
    recommendation = recommend(replace(SMALL, instances=3, sticky=True))
    assert "memory" not in recommendation.ruled_out
    memory = recommendation.ranked_lower.get("memory", recommendation.points)
    assert any("re-routes" in point.reason for point in memory)


def test_sticky_routing_changes_nothing_for_one_instance():
    assert chosen(replace(SMALL, sticky=True)) == chosen(SMALL) == "memory"


def test_frequent_deploys_take_memory_off_the_top():
    assert chosen(replace(SMALL, deploys_per_month=FREQUENT_DEPLOYS)) == "memory"
    recommendation = recommend(replace(SMALL, deploys_per_month=FREQUENT_DEPLOYS + 20))
    assert recommendation.engine == "db"
    assert any("30 deploys a month" in p.reason for p in recommendation.ranked_lower["memory"])


def test_surviving_a_restart_rules_out_memory_only():
    recommendation = recommend(replace(SMALL, survive=Survival.RESTART))
    assert set(recommendation.ruled_out) == {"memory"}
    assert recommendation.ruled_out["memory"].fact == FACTS["memory"].survival
    assert recommendation.engine == "db"


def test_surviving_a_restart_with_many_shoppers_on_one_instance_gets_file():
    assert chosen(replace(SMALL, survive=Survival.RESTART, shoppers=MANY)) == "file"


def test_surviving_a_failure_never_gets_memory_file_or_redis_without_its_database():
    recommendation = recommend(replace(SMALL, survive=Survival.FAILURE, shoppers=MANY))
    assert {"memory", "file", "redis"} <= set(recommendation.ruled_out)
    assert recommendation.engine in {"db", "redis_db", "cookie"}


def test_a_stolen_cookie_that_must_reveal_nothing_never_gets_cookie():
    readable = replace(FLEET, shoppers=MANY)
    assert chosen(readable) == "cookie"  # no store at all, when a copy may be read
    recommendation = recommend(replace(readable, copy_may_be_read=False))
    assert recommendation.engine == "redis_db"
    assert recommendation.ruled_out["cookie"].fact == FACTS["cookie"].stolen_cookie


def test_staff_ending_sessions_with_their_data_puts_cookie_below_the_server_side_engines():
    answers = replace(FLEET, shoppers=MANY, staff_end_sessions=True)
    recommendation = recommend(answers)
    assert recommendation.engine == "redis_db"
    cookie = recommendation.ranked_lower["cookie"]
    assert any(FACTS["cookie"].ending in point.reason for point in cookie)


def test_many_concurrent_shoppers_take_session_reads_off_the_database():
    few = replace(FLEET, copy_may_be_read=False)
    assert chosen(few) == "db"
    recommendation = recommend(replace(few, shoppers=MANY))
    assert recommendation.engine == "redis_db"
    assert any("off the database" in p.reason for p in recommendation.points)
    assert any("query on the database" in p.reason for p in recommendation.ranked_lower["db"])


def test_the_recommended_engines_points_come_for_it_first():
    points = recommend(replace(FLEET, shoppers=MANY, copy_may_be_read=False)).points
    weights = [point.weight for point in points]
    assert weights == sorted(weights, key=lambda weight: weight < 0)


ANSWERS = st.builds(
    Answers,
    instances=st.integers(1, 1_000),
    sticky=st.booleans(),
    deploys_per_month=st.integers(0, 10_000),
    survive=st.sampled_from(Survival),
    copy_may_be_read=st.booleans(),
    staff_end_sessions=st.booleans(),
    shoppers=st.integers(0, 100_000_000),
)


@given(ANSWERS)
def test_no_answers_break_a_hard_rule(answers):
    recommendation = recommend(answers)
    engine, facts = recommendation.engine, FACTS[recommendation.engine]
    assert engine not in recommendation.ruled_out
    if answers.instances > 1 and not answers.sticky:
        assert engine not in {"memory", "file"}
    if answers.survive == Survival.FAILURE:
        assert engine not in {"memory", "file", "redis"}
    if answers.survive >= Survival.RESTART:
        assert engine != "memory"
    if not answers.copy_may_be_read:
        assert engine != "cookie"
    assert facts.survives >= answers.survive
    every = {engine, *recommendation.ruled_out, *recommendation.ranked_lower}
    assert every == ALL_SIX  # each engine accounted for, once


@pytest.mark.parametrize("backend", sorted(ALL_SIX))
def test_each_cost_line_is_measured_against_stock_or_says_it_is_not(backend):
    verdict = next(v for v in verdicts() if v.backend == backend)
    row = comparison().row(backend)
    if row.measured:
        assert f"{row.measured.requests.median:.2f}× under load" in verdict.cost
        assert f"{row.measured.journey.median:.2f}× in CPU a journey" in verdict.cost
    else:
        assert verdict.cost.endswith("Not measured yet.")
        assert "×" not in verdict.cost
