"""The questions of /state/'s "Which engine?" form, checked, turned into the recommender's
Answers (shop/engine_choice.py)."""

from django import forms
from django.http import QueryDict

from shop.engine_choice import Answers
from shop.engine_comparison import Survival

YES_NO = [("yes", "Yes"), ("no", "No")]
SURVIVE = [
    ("nothing", "Neither: losing them now and then is acceptable"),
    ("restart", "A restart or deploy of the shop"),
    ("failure", "A failure too: losing an instance, its disk or Redis"),
]
# Ceilings far past any shop, so a typo gets a message rather than a meaningless answer.
MAX_INSTANCES = 1_000
MAX_DEPLOYS = 10_000  # a month: one every five minutes
MAX_SHOPPERS = 100_000_000
UNANSWERED = "Answer this question too."


def whole_number(label: str, low: int, high: int, initial: int, help_text: str = "") -> forms.Field:
    return forms.IntegerField(
        label=label,
        min_value=low,
        max_value=high,
        initial=initial,
        help_text=help_text,
        error_messages={
            "required": UNANSWERED,
            "invalid": "Enter a whole number, such as 3.",
            "min_value": "Enter %(limit_value)s or more.",
            "max_value": "Enter %(limit_value)s or fewer.",
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 1}),
    )


def one_of(
    label: str, choices: list[tuple[str, str]], initial: str, help_text: str = ""
) -> forms.Field:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        initial=initial,
        help_text=help_text,
        error_messages={
            "required": UNANSWERED,
            "invalid_choice": "Choose one of the answers shown.",
        },
        widget=forms.RadioSelect,
    )


class EngineQuestionsForm(forms.Form):
    """Seven questions; every one has an answer filled in to start from."""

    instances = whole_number("How many instances serve the shop?", 1, MAX_INSTANCES, 1)
    sticky = one_of(
        "Does the load balancer send each visitor to the same instance every time?",
        YES_NO,
        "no",
        help_text="Sticky routing, such as nginx hashing the session cookie.",
    )
    deploys = whole_number("Deploys a month", 0, MAX_DEPLOYS, 4)
    survive = one_of("Which must carts and sign-ins survive?", SURVIVE, "restart")
    stolen_cookie_readable = one_of(
        "May a stolen cookie reveal what the session holds?", YES_NO, "no"
    )
    staff_end = one_of(
        "Must staff be able to end a session, its data included?",
        YES_NO,
        "yes",
        help_text="Every engine ends sessions; a copy of a signed cookie keeps its cart.",
    )
    shoppers = whole_number("Concurrent shoppers at the peak", 0, MAX_SHOPPERS, 100)

    @classmethod
    def from_query(cls, query: QueryDict) -> "EngineQuestionsForm":
        """Bound when the query answers any question, unbound (initial answers) otherwise."""
        asked = any(name in query for name in cls.base_fields)
        return cls(query) if asked else cls()

    def answers(self) -> Answers:
        data = self.cleaned_data
        return Answers(
            instances=data["instances"],
            sticky=data["sticky"] == "yes",
            deploys_per_month=data["deploys"],
            survive=Survival[data["survive"].upper()],
            copy_may_be_read=data["stolen_cookie_readable"] == "yes",
            staff_end_sessions=data["staff_end"] == "yes",
            shoppers=data["shoppers"],
        )
