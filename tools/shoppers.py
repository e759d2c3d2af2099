"""Shoppers for the tests that serve the shop from real processes: browsers made of
http.client that keep their cookies and send forms with the page's CSRF token, and a steady
load of them that remembers what the shop told each one, so a test can tell a lost cart line
from a request that failed in flight."""

import http.client
import json
import random
import re
import ssl
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from tools.waiting import NotYet, eventually

# Seconds for any one request: gunicorn's worker timeout, past which the server gives up on
# a request itself. Shorter, and a busy machine's slow answer would count as none.
REQUEST_TIMEOUT = 30
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ADD_FORM = re.compile(r'action="/cart/add/(\d+)/"')
PRODUCT_LINK = re.compile(r'href="(/products/[a-z0-9-]+/)"')
# What the cart says when it refuses an add (cart/services.py).
CART_REFUSAL = re.compile(r"You can(not)? add (at most \d+ )?more|is not available at the moment")


@dataclass(frozen=True)
class Account:
    username: str
    password: str


@dataclass(frozen=True)
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: str

    @property
    def text(self) -> str:
        """The body with its white space collapsed, for messages and searches."""
        return " ".join(self.body.split())

    def __str__(self) -> str:
        return f"{self.status} {self.text[:160]}"


class NoAnswer(Exception):
    """The request got no HTTP answer: refused, reset or timed out."""


class Shopper:
    """One browser. `as_https` talks plain HTTP to an app server as a TLS proxy would
    forward it (X-Forwarded-Proto: https), for servers run with DJANGO_BEHIND_TLS_PROXY=1.
    `source` is the local address it connects from (any of 127.0.0.0/8 works)."""

    def __init__(
        self,
        base_url: str,
        *,
        as_https: bool = False,
        timeout: float = REQUEST_TIMEOUT,
        source: str | None = None,
    ):
        address = urlsplit(base_url)
        self.https = address.scheme == "https"
        self.hostname, self.port = address.hostname, address.port
        self.netloc = address.netloc
        self.as_https = as_https
        self.origin = f"{'https' if self.https or as_https else 'http'}://{address.netloc}"
        self.timeout = timeout
        self.source = (source, 0) if source else None
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, form: dict | None = None, headers: dict | None = None
    ) -> Answer:
        sent = {"Host": self.netloc, **(headers or {})}
        if self.as_https:
            sent["X-Forwarded-Proto"] = "https"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            sent |= {"Content-Type": "application/x-www-form-urlencoded", "Origin": self.origin}
        connection = self.connection()
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            answer = Answer(response.status, response.msg, response.read().decode(errors="replace"))
        except (OSError, http.client.HTTPException) as error:
            raise NoAnswer(f"{method} {path}: {error!r}") from error
        finally:
            connection.close()
        self.keep_cookies(answer)
        return answer

    def connection(self) -> http.client.HTTPConnection:
        if self.https:  # the try-it layout's certificate is self-signed
            context = ssl._create_unverified_context()
            return http.client.HTTPSConnection(
                self.hostname, self.port, timeout=self.timeout, context=context,
                source_address=self.source,
            )  # fmt: skip
        return http.client.HTTPConnection(
            self.hostname, self.port, timeout=self.timeout, source_address=self.source
        )

    def keep_cookies(self, answer: Answer) -> None:
        for line in answer.headers.get_all("Set-Cookie") or []:
            name, value = line.split(";", 1)[0].split("=", 1)
            if value in ("", '""'):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value

    def get(self, path: str, **headers: str) -> Answer:
        return self.request("GET", path, headers=headers)

    def post_form(
        self, page: str | Answer, action: str, form: dict, headers: dict | None = None
    ) -> Answer:
        """Send a form from `page` (a path, or a page already fetched) with its CSRF token."""
        page = self.get(page) if isinstance(page, str) else page
        token = TOKEN.search(page.body)
        if not token:
            raise AssertionError(f"no CSRF token on the page: {page}")
        form = {"csrfmiddlewaretoken": token.group(1), **form}
        return self.request("POST", action, form, headers)

    def sign_in(self, account: Account) -> Answer:
        form = {"username": account.username, "password": account.password}
        return self.post_form("/accounts/login/", "/accounts/login/", form)

    def add_from(self, product_page: Answer) -> tuple[int, Answer]:
        """Add one of the product on this page to the cart, with the page's own form."""
        product_id = int(ADD_FORM.search(product_page.body).group(1))
        answer = self.post_form(product_page, f"/cart/add/{product_id}/", {"quantity": "1"})
        return product_id, answer

    def cart_answer(self) -> Answer:
        return self.get("/cart/summary/", Accept="application/json")

    def cart(self) -> dict[int, int]:
        answer = self.cart_answer()
        if answer.status != 200:
            raise AssertionError(f"/cart/summary/ answered {answer}")
        return cart_lines(answer)

    def signed_in(self) -> bool:
        return self.get("/accounts/sessions/").status == 200


def cart_lines(summary: Answer) -> dict[int, int]:
    """{product id: quantity} from /cart/summary/'s JSON."""
    lines = json.loads(summary.body)["lines"]
    return {line["product_id"]: line["quantity"] for line in lines}


def product_pages(base_url: str, *, as_https: bool = False, pages: int = 5) -> list[str]:
    """Paths of product pages, read from the first pages of the product list."""
    shopper = Shopper(base_url, as_https=as_https)
    paths: set[str] = set()
    for number in range(1, pages + 1):
        paths.update(PRODUCT_LINK.findall(shopper.get(f"/products/?page={number}").body))
    return sorted(paths)


@dataclass(frozen=True)
class Failure:
    seconds: float  # since the load started
    request: str
    status: int | None  # None: no answer
    text: str  # the page's text, or why there was no answer


@dataclass
class LoadReport:
    requests: int = 0
    statuses: Counter = field(default_factory=Counter)
    failures: list[Failure] = field(default_factory=list)  # no answer, or a 5xx
    adds: int = 0  # adds to cart the shop confirmed
    lost: list[str] = field(default_factory=list)  # cart lines unlike what the shop confirmed
    signed_out: list[str] = field(default_factory=list)  # shoppers signed out by the fault

    def summary(self) -> str:
        failures = "\n".join(
            f"  {f.seconds:6.2f} s {f.request}: {f.status} {f.text[:160]}" for f in self.failures
        )
        return (
            f"{self.requests} requests, statuses {dict(self.statuses)}, {self.adds} adds, "
            f"lost {self.lost}, signed out {self.signed_out}\nfailures:\n{failures}"
        )


class ShopperAtWork:
    """One signed-in shopper adding to the cart until told to stop, keeping count of what
    the shop confirmed and of the adds whose answer never came (they may or may not count)."""

    def __init__(self, base_url: str, account: Account, pages: list[str], load: "Load"):
        self.shopper = Shopper(base_url, as_https=load.as_https)
        self.account, self.pages, self.load = account, pages, load
        self.confirmed: Counter = Counter()
        self.unconfirmed: Counter = Counter()
        self.adds = 0  # confirmed by the shop during this load

    def run(self) -> None:
        try:
            self.work()
        except Exception as error:  # a page without its form, say: the shopper stops, and says so
            self.load.record_failure("shopper stopped", None, repr(error))

    def work(self) -> None:
        answer = self.attempt("sign in", lambda: self.shopper.sign_in(self.account))
        if answer is None or answer.status != 302:
            if answer is not None and answer.status < 500:  # else attempt() recorded it
                self.load.record_failure("sign in", answer.status, answer.text)
            return
        baseline = self.attempt("GET /cart/summary/", self.shopper.cart_answer)
        if baseline is None or baseline.status != 200:
            return
        self.confirmed.update(cart_lines(baseline))  # an account's saved cart comes back
        while not self.load.done():
            self.add_one()
            time.sleep(self.load.pause)

    def add_one(self) -> None:
        page = self.attempt("GET product", lambda: self.shopper.get(random.choice(self.pages)))
        form = ADD_FORM.search(page.body) if page and page.status == 200 else None
        if form is None:
            return  # no answer, or out of stock
        product_id = int(form.group(1))
        if product_id in self.unconfirmed:
            return  # its last add may or may not have counted: one such add a product at most
        answer = self.attempt(
            f"POST /cart/add/{product_id}/", lambda: self.shopper.add_from(page)[1]
        )
        # A 400 for a cart limit changes nothing, as it says; any other (a session
        # interrupted, say) is a failure.
        if answer is not None and answer.status == 302:
            self.confirmed[product_id] += 1
            self.adds += 1
            self.load.count_add()
        elif answer is None or answer.status >= 500:
            self.unconfirmed[product_id] += 1
        elif not CART_REFUSAL.search(answer.text):
            self.load.record_failure(f"POST /cart/add/{product_id}/", answer.status, answer.text)

    def attempt(self, what: str, send) -> Answer | None:
        try:
            answer = send()
        except NoAnswer as error:
            self.load.record(None)
            self.load.record_failure(what, None, str(error))
            return None
        self.load.record(answer.status)
        if answer.status >= 500:
            self.load.record_failure(what, answer.status, answer.text)
        return answer

    def check(self) -> None:
        """Once the fault is over: the cart holds exactly what the shop confirmed, plus perhaps
        the one unanswered add of a product; and the shopper is still signed in."""
        cart = self.shopper.cart()
        for product_id in self.confirmed.keys() | self.unconfirmed.keys() | cart.keys():
            have, told = cart.get(product_id, 0), self.confirmed[product_id]
            if not told <= have <= told + self.unconfirmed[product_id]:
                self.load.report.lost.append(
                    f"{self.account.username}: product {product_id} has {have}, confirmed {told}"
                )
        if not self.shopper.signed_in():
            self.load.report.signed_out.append(self.account.username)


class Load:
    def __init__(self, as_https: bool, pause: float, max_seconds: float):
        self.as_https, self.pause = as_https, pause
        self.started = time.monotonic()
        self.deadline = self.started + max_seconds
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.report = LoadReport()
        self.workers: list[ShopperAtWork] = []

    def done(self) -> bool:
        return self.stopping.is_set() or time.monotonic() > self.deadline

    def wait_until_every_shopper_adds(self) -> float:
        """Seconds until every shopper has signed in and had an add confirmed: a fault
        before then would catch some still signing in, which is another test."""
        return self.awaiting(
            "every shopper adding to the cart", lambda: all(w.adds for w in self.workers)
        )

    def wait_for_more_adds(self, count: int) -> float:
        """Seconds until `count` more adds are confirmed: the load goes on after a fault."""
        target = self.report.adds + count
        return self.awaiting(f"{count} more adds confirmed", lambda: self.report.adds >= target)

    def awaiting(self, what: str, check) -> float:
        try:
            return eventually(what, check)
        except NotYet as error:
            raise NotYet(f"{error}; the load so far: {self.report.summary()}") from None

    def record(self, status: int | None) -> None:
        with self.lock:
            self.report.requests += 1
            self.report.statuses[status or "no answer"] += 1

    def record_failure(self, request: str, status: int | None, text: str) -> None:
        with self.lock:
            seconds = round(time.monotonic() - self.started, 2)
            self.report.failures.append(Failure(seconds, request, status, text))

    def count_add(self) -> None:
        with self.lock:
            self.report.adds += 1


@contextmanager
def steady_load(
    base_url: str,
    accounts: list[Account],
    *,
    as_https: bool = False,
    pause: float = 0.1,
    max_seconds: float = 300,
) -> Iterator[Load]:
    """One thread per account, each signing in and then adding products to its cart, until
    the with-block ends (or max_seconds pass); then each checks its cart and its sign-in.
    Read `load.report` after the block."""
    pages = product_pages(base_url, as_https=as_https)
    load = Load(as_https, pause, max_seconds)
    load.workers = workers = [ShopperAtWork(base_url, account, pages, load) for account in accounts]
    threads = [threading.Thread(target=worker.run, daemon=True) for worker in workers]
    for thread in threads:
        thread.start()
    try:
        yield load
    finally:
        load.stopping.set()
        for thread in threads:
            thread.join(timeout=REQUEST_TIMEOUT * 3)
    for worker in workers:
        worker.check()


CREATE_ACCOUNTS = (
    "import os; from django.contrib.auth import get_user_model; User = get_user_model(); "
    "[User.objects.create_user(name, f'{name}@example.com', os.environ['SHOPPER_PASSWORD']) "
    "for name in os.environ['SHOPPER_NAMES'].split(',')]"
)
SHOPPER_PASSWORD = "copper-Kettle-on-the-hob-42"


def make_accounts(env: dict[str, str], count: int, prefix: str = "shopper") -> list[Account]:
    """Shoppers' accounts in the database `env` names, made with manage.py shell at once."""
    from tools.servers import manage

    names = [f"{prefix}-{n}" for n in range(count)]
    env = {**env, "SHOPPER_NAMES": ",".join(names), "SHOPPER_PASSWORD": SHOPPER_PASSWORD}
    manage(env, "shell", "-c", CREATE_ACCOUNTS)
    return [Account(name, SHOPPER_PASSWORD) for name in names]
