"""Which engine to choose: a verdict per engine (choose it when, avoid it when, what it
costs) and a recommendation from a shop's answers, both from engine_comparison's facts and
figures. The /state/ page and the README show the same words (tools/readme_verdict.py).

The recommender is pure (no request, no settings, no files): recommend() takes Answers and
the facts. The form that asks the questions is engine_questions.py."""

from dataclasses import dataclass, field

from shop.engine_comparison import FACTS, Comparison, Facts, Measured, Survival, comparison

# Ties go to the engine with the fewest services to run, the default first.
PREFERENCE = ("db", "cookie", "redis_db", "redis", "file", "memory")
# Past these, scale and deploys weigh in: the thresholds of the stateless-or-stateful
# decision helper this project's design sources use (10,000 users; 10 deploys a month).
MANY_SHOPPERS = 10_000  # concurrent shoppers
FREQUENT_DEPLOYS = 10  # a month

WHEN = {
    "cookie": (
        "sessions are small and the servers should keep no session state",
        "a stolen cookie must not reveal the session, or ending one must take back its cart",
    ),
    "db": (
        "you want the one store you already run and back up, on any number of instances",
        "the database is busy already: every session read is a query on it",
    ),
    "redis": (
        "you run Redis anyway, want session reads off the database and can lose them all "
        "with Redis",
        "sessions must survive a failure: losing Redis signs everyone out and empties every cart",
    ),
    "redis_db": (
        "you want session reads off the database and sessions that survive losing Redis",
        "you run no Redis and the database copes: db keeps sessions as well, with one "
        "service fewer",
    ),
    "memory": (
        "you run one instance (or sticky routing), deploy rarely and can lose every cart "
        "and sign-in at each restart",
        "sessions must survive a restart, deploy or crash, or visitors are not routed to the "
        "same instance every time",
    ),
    "file": (
        "you run one instance (or sticky routing) without Redis, and sessions must survive "
        "its restarts",
        "instances share visitors without sticky routing, or sessions must survive losing an "
        "instance or its disk",
    ),
}


@dataclass(frozen=True)
class Verdict:
    backend: str
    choose: str
    avoid: str
    cost: str


def verdicts(compared: Comparison | None = None) -> list[Verdict]:
    """One verdict per engine, in the order of the facts table."""
    compared = compared or comparison()
    return [
        Verdict(row.backend, *WHEN[row.backend], cost(row.facts, row.measured))
        for row in compared.rows
    ]


def cost(facts: Facts, measured: Measured | None) -> str:
    """What the engine costs a request, then its speed against stock, where measured."""
    said = facts.per_request[0].upper() + facts.per_request[1:]
    if facts.reads_from == "browser" and measured:
        said += f" ({measured.cookie_bytes} bytes signed in with a cart line; 4,096 at most)"
    if measured is None:
        return f"{said}. Not measured yet."
    if measured.requests is None or measured.journey is None:
        return f"{said}. Not measured against stock Django yet."
    return (
        f"{said}. Speed against stock Django: {measured.requests.median:.2f}× under load, "
        f"{measured.journey.median:.2f}× in CPU a journey."
    )


# --- the recommender -----------------------------------------------------------------------


@dataclass(frozen=True)
class Answers:
    instances: int  # instances serving the shop
    sticky: bool  # the load balancer sends each visitor to the same instance
    deploys_per_month: int
    survive: Survival  # what carts and sign-ins must outlive
    copy_may_be_read: bool  # a stolen cookie may reveal the session
    staff_end_sessions: bool  # ending a session must take its data with it
    shoppers: int  # concurrent shoppers at the peak


@dataclass(frozen=True)
class Point:
    weight: int  # for the engine above 0, against it below
    reason: str


@dataclass(frozen=True)
class RuledOut:
    answer: str  # the answer the engine cannot meet
    fact: str  # why not, in the words of the facts table


@dataclass(frozen=True)
class Recommendation:
    engine: str
    points: list[Point]  # for and against the engine recommended, those for it first
    ruled_out: dict[str, RuledOut] = field(default_factory=dict)
    ranked_lower: dict[str, list[Point]] = field(default_factory=dict)  # by PREFERENCE


def recommend(answers: Answers, facts: dict[str, Facts] = FACTS) -> Recommendation:
    """The engine that meets every answer with the best balance of points; ties go by
    PREFERENCE. `db` meets every hard answer, so there is always one."""
    ruled_out = {b: why for b, f in facts.items() if (why := rule_out(f, answers))}
    scored = {b: points(f, answers) for b, f in facts.items() if b not in ruled_out}
    best = max(scored, key=lambda b: (score(scored[b]), -PREFERENCE.index(b)))
    lower = {b: scored[b] for b in PREFERENCE if b in scored and b != best}
    return Recommendation(best, scored[best], ruled_out, lower)


def score(points: list[Point]) -> int:
    return sum(point.weight for point in points)


def rule_out(facts: Facts, answers: Answers) -> RuledOut | None:
    """The first answer this engine cannot meet; None when it meets them all."""
    if answers.instances > 1 and not answers.sticky and not facts.shared:
        return RuledOut(f"{answers.instances} instances without sticky routing", facts.instances)
    if facts.survives < answers.survive:
        return RuledOut(f"sessions that survive {SURVIVE_WORDS[answers.survive]}", facts.survival)
    if facts.cookie_carries_session and not answers.copy_may_be_read:
        return RuledOut("a stolen cookie that reveals nothing", facts.stolen_cookie)
    return None


SURVIVE_WORDS = {Survival.RESTART: "a restart", Survival.FAILURE: "a failure"}


def points(facts: Facts, answers: Answers) -> list[Point]:
    """What counts for and against an engine that meets every hard answer."""
    found = [
        *cost_points(facts),
        *scale_points(facts, answers),
        *deploy_points(facts, answers),
    ]
    if answers.staff_end_sessions and not facts.ending_takes_data:
        found.append(Point(-1, f"ending a session {facts.ending}"))
    return sorted(found, key=lambda point: point.weight < 0)  # for it first, else in order


def cost_points(facts: Facts) -> list[Point]:
    """What every request costs, whatever the answers."""
    if facts.reads_from == "process":
        return [Point(+1, facts.per_request)]  # no round trip at all
    if facts.reads_from == "browser":
        return [Point(-1, facts.per_request)]  # its bytes go with every request
    if facts.needs_redis:
        return [Point(-1, "a Redis to run, besides the database")]
    return []


REROUTED = "adding or removing an instance re-routes, and so loses, some sessions"
BUSY_DATABASE = "every session read is a query on the database the catalog and orders need"
CROWDED_MEMORY = "each process holds every live session, then drops the least recently used"


def scale_points(facts: Facts, answers: Answers) -> list[Point]:
    """Several instances, and many shoppers at once."""
    found = []
    if answers.instances > 1 and not facts.shared:
        found.append(Point(-1, REROUTED))  # sticky routing pins visitors to an instance
    if answers.shoppers < MANY_SHOPPERS:
        return found
    many = f"at {answers.shoppers:,} concurrent shoppers,"
    if facts.reads_from == "database":
        found.append(Point(-2, f"{many} {BUSY_DATABASE}"))
    elif facts.reads_from == "process":
        found.append(Point(-2, f"{many} {CROWDED_MEMORY}"))
    else:
        found.append(Point(+1, f"{many} session reads stay off the database"))
    return found


def deploy_points(facts: Facts, answers: Answers) -> list[Point]:
    """Frequent deploys, for an engine that a restart empties."""
    deploys = answers.deploys_per_month
    if facts.survives == Survival.NOTHING and deploys > FREQUENT_DEPLOYS:
        return [Point(-2, f"each of {deploys} deploys a month loses every cart and sign-in")]
    return []


# --- the README ----------------------------------------------------------------------------

README_START = "<!-- which-engine: generated by `uv run python -m tools.readme_verdict` -->"
README_END = "<!-- /which-engine -->"
RATIO_NOTE = (
    "Speed against stock Django is the shop's requests a second under load, and its CPU for "
    "a whole journey, as a multiple of stock's on the same engine measured side by side: "
    "1.00× is stock's speed, above it faster ([the measurements](docs/benchmark.md))."
)


def readme_block(compared: Comparison | None = None) -> str:
    """The README's "which engine" lines: the page's verdicts, word for word."""
    rows = [f"| `{v.backend}` | {v.choose} | {v.avoid} | {v.cost} |" for v in verdicts(compared)]
    head = ["| engine | choose it when | avoid it when | what it costs |", "|---|---|---|---|"]
    return "\n".join([README_START, *head, *rows, "", RATIO_NOTE, README_END])
