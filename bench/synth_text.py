"""Word lists and sentence builders for the synthetic organisation of `synth.py`.

Every sentence comes from a template filled with words drawn from one seeded
`random.Random`, so the same draws give the same text. The vocabulary never uses a
team's id, name or alias as a whole word (services are hyphenated, `returns` and
`search` are avoided): the only teams a sentence names are the ones passed in, so a
blocker's text never names a team its `needs` does not.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import string

# (id, name, aliases): ids, names and aliases are the words the vocabulary avoids.
TEAMS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("payments", "Payments", ("billing",)),
    ("checkout", "Checkout", ()),
    ("identity", "Identity", ("auth", "login")),
    ("catalog", "Catalog", ("product data",)),
    ("web", "Web Storefront", ("storefront",)),
    ("mobile", "Mobile Apps", ("ios app", "android app")),
    ("search", "Search", ()),
    ("shipping", "Shipping", ("fulfilment",)),
    ("inventory", "Inventory", ("stock levels",)),
    ("pricing", "Pricing", ()),
    ("loyalty", "Loyalty", ("rewards",)),
    ("notifications", "Notifications", ("messaging",)),
    ("data-platform", "Data Platform", ("data lake",)),
    ("fraud", "Fraud Prevention", ("risk scoring",)),
    ("ledger", "Ledger", ("accounting",)),
    ("analytics", "Analytics", ("reporting",)),
    ("platform", "Platform", ("infra", "kubernetes")),
    ("support-tools", "Support Tools", ("helpdesk",)),
    ("sellers", "Seller Portal", ("marketplace",)),
    ("customer-data", "Customer Data", ("profiles",)),
    ("returns", "Returns", ()),
    ("recommendations", "Recommendations", ("recs",)),
    ("experiments", "Experimentation", ("ab testing",)),
    ("localisation", "Localisation", ("translations",)),
    ("observability", "Observability", ("monitoring",)),
    ("design-system", "Design System", ()),
    ("partners", "Partner APIs", ()),
    ("tax", "Tax", ("vat",)),
    ("media", "Media", ("image pipeline",)),
    ("reviews", "Reviews", ()),
)

FIRST_NAMES = (
    "Alice", "Bob", "Chen", "Dana", "Erin", "Farid", "Grace", "Hiro", "Ines", "Jonas",
    "Kemi", "Lee", "Maya", "Noor", "Oskar", "Priya", "Quinn", "Rosa", "Sami", "Tomás",
    "Uma", "Viktor", "Wen", "Ximena", "Yusuf", "Zoë", "Amara", "Björn", "Carla", "Dmitri",
    "Elif", "Felix", "Gabriel", "Hana", "Ivan", "Jaya", "Kofi", "Lena", "Marco", "Nadia",
    "Olu", "Paula", "Rafael", "Sofia", "Theo", "Valeria", "Wanjiru", "Yara", "Zain", "Ana",
)  # fmt: skip

LAST_NAMES = (
    "Ng", "Ray", "Okafor", "Schmidt", "Li", "Haddad", "Kowalski", "Tanaka", "García", "Berg",
    "Adeyemi", "Park", "Rossi", "Khan", "Lindqvist", "Sharma", "Murphy", "Díaz", "Nieminen",
    "Costa", "Patel", "Novak", "Zhang", "Moreno", "Yilmaz", "Dubois", "Mensah", "Larsen",
    "Ferreira", "Ivanova", "Kaya", "Weber", "Silva", "Sato", "Popescu", "Nowak", "Öztürk",
    "Jensen", "Castillo", "Mwangi",
)  # fmt: skip

SERVICES = (
    "order-service", "cart-api", "session-gateway", "token-broker", "event-bus",
    "product-feed", "price-engine", "address-validator", "label-printer", "warehouse-sync",
    "coupon-service", "push-relay", "email-renderer", "consent-store", "graphql-gateway",
    "edge-cache", "flag-service", "sku-index", "invoice-generator", "refund-worker",
    "payout-scheduler", "audit-log", "config-service", "rate-limiter", "schema-registry",
    "image-resizer", "query-router", "webhook-dispatcher", "basket-store", "geo-lookup",
)  # fmt: skip

INTERFACES = (
    "v2 endpoint", "webhook", "event schema", "gRPC contract", "OpenAPI spec", "batch export",
    "client SDK", "Kafka topic", "REST resource", "read model", "cache layer", "bulk import",
    "callback URL", "pagination scheme", "error codes", "permission scopes", "retry policy",
)  # fmt: skip

FEATURES = (
    "one-click reorder", "gift cards", "saved addresses", "guest sign-up", "split shipments",
    "price alerts", "wish lists", "subscription plans", "express delivery", "partial refunds",
    "multi-currency carts", "store pickup", "bundle offers", "dark mode",
    "address autocomplete", "passkeys", "order tracking", "bulk uploads", "invoice downloads",
    "promo codes", "buy now pay later", "click and collect", "size guides", "back-in-stock emails",
)  # fmt: skip

FIELDS = ("order_id", "currency", "customer_ref", "locale", "sku", "tenant_id", "amount_minor")
PLACES = ("staging", "production", "the EU region", "canary", "the UK shard", "APAC")
EVENTS = ("Black Friday", "the quarter close", "the summer sale", "the year-end freeze")
WINDOWS = ("Tuesday night", "weekend", "early-morning", "Thursday lunchtime")
EMPHASIS = ("**{}**", "_{}_", "`{}`", "{}", "{}", "{}")

COMPLETED = (
    "Shipped the {service} {iface} to {place}",
    "Finished the {iface} for {feature}; it is behind a flag until **{date}**",
    "Migrated {service} to the new {iface}, the old one stays up for two sprints",
    "Released {service} {version} with {feature} support",
    "Load-tested {service} at {n}k requests per second, no regressions",
    "Published the {iface} of {service}; docs and examples are in the wiki",
    "Fixed the `{field}` rounding bug in {service} that broke {feature}",
    "Moved {service} to the shared {iface}, as agreed last sprint",
    "Closed the last open question on the {feature} {iface}",
    "Rolled back {service} {version} after a spike in 5xx; stable again",
)  # fmt: skip

NEXT = (
    "Start the {feature} rollout in {place} on **{date}**",
    "Change the {iface} of {service}: `{field}` becomes required",
    "Pair on the {feature} {iface} design; invites are out",
    "Move {service} traffic to the new cluster during the {window} window",
    "Freeze {service} deploys from {edate} for {event}",
    "Switch {feature} to the {iface} of {service} (_needs a client update_)",
    "Add `{field}` to the {iface} of {service} in {version}",
    "Run a game day on {service} before {event}",
    "Retire the {version} {iface} of {service} once traffic is below 1%",
)  # fmt: skip

BLOCKERS_NAMED = (
    "Waiting for {team} to confirm the {iface} of {service}",
    "{team} has not merged the `{field}` change we need for {feature}",
    "Need a review from {team} of the {feature} {iface} before **{date}**",
    "Calls to {service} from our side fail since {version}; {team} is looking",
)  # fmt: skip

BLOCKERS_PLAIN = (
    "No access to the {service} staging credentials",
    "The {iface} of {service} is missing `{field}`; we cannot finish {feature}",
    "Waiting for a decision on the {feature} {iface}",
    "{service} sandbox is down again, so we cannot test {feature}",
)  # fmt: skip

HEADS_UP = (
    "{service} drops the deprecated {iface} on **{date}**",
    "Expect higher latency from {service} during the {window} migration",
    "`{field}` in the {iface} of {service} changes format from {version}",
    "Planned downtime of {service} on {edate}, {hour}:00 UTC",
    "Deploy freeze on {service} for {event}: merge before **{date}**",
    "{feature} goes live on {edate}; expect more traffic on {service}",
)  # fmt: skip

ACTIONS = (
    "Agree the {iface} for {feature}",
    "Share the migration plan for {service}",
    "Book a session on the {feature} rollout",
    "Write down who owns {service} after the re-org",
    "Confirm the date for retiring the {version} {iface}",
    "Send the load-test results of {service}",
    "Check whether `{field}` can stay optional in {version}",
    "Draft the runbook for the {service} cut-over",
)  # fmt: skip

NOTES_OPEN = (
    "draft shared, review on Friday",
    "waiting for the vendor",
    "owner was on leave",
    "half done; rest next sprint",
    "needs one more decision",
)  # fmt: skip

NOTES_CLOSED = (
    "done in the last sprint",
    "agreed in the parking lot",
    "superseded by a new plan",
    "no longer needed",
    "merged and deployed",
)  # fmt: skip

TOPICS = (
    "Who owns the {service} on-call",
    "Versioning policy for the {iface}",
    "Rollout order of {feature}",
    "Test data for {feature} in {place}",
    "Deprecating {service} {version}",
)  # fmt: skip

DECISIONS = (
    "{feature} ships behind a flag until the {iface} is stable",
    "The {iface} of {service} stays backwards compatible until {edate}",
    "No {service} deploys during {event}",
    "`{field}` is required in every new {iface}",
    "{service} moves to the shared cluster before {event}",
)  # fmt: skip

WHAT = (
    "{service} {iface}",
    "{feature} {iface}",
    "`{field}` in the {service} {iface}",
    "{service} {version}",
    "{feature} in {service}",
)  # fmt: skip


WORDS: dict[str, tuple[str, ...]] = {
    "service": SERVICES,
    "iface": INTERFACES,
    "feature": FEATURES,
    "field": FIELDS,
    "place": PLACES,
    "event": EVENTS,
    "window": WINDOWS,
}


@functools.cache
def _fields(template: str) -> tuple[str, ...]:
    """The names of the `{fields}` of a template, in order."""
    return tuple(name for _, name, _, _ in string.Formatter().parse(template) if name)


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def short_date(day: dt.date) -> str:
    """`Dec 3`, whatever the locale."""
    return f"{MONTHS[day.month - 1]} {day.day}"


class Phrases:
    """Sentence builders over one random stream."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def _fill(self, template: str, day: dt.date, **given: str) -> str:
        words = dict(given)
        for name in _fields(template):
            if name not in words:
                words[name] = self._word(name, day)
        return template.format(**words)

    def _word(self, name: str, day: dt.date) -> str:
        rng = self.rng
        if name in WORDS:
            return rng.choice(WORDS[name])
        if name == "version":
            return f"v{rng.randint(1, 4)}.{rng.randint(0, 12)}"
        if name == "n":
            return str(rng.randint(2, 40))
        if name == "hour":
            return f"{rng.randint(0, 23):02d}"
        later = short_date(day + dt.timedelta(days=rng.randint(3, 30)))
        return later if name == "date" else rng.choice(EMPHASIS).format(later)

    def completed(self, day: dt.date) -> str:
        return self._fill(self.rng.choice(COMPLETED), day)

    def next(self, day: dt.date) -> str:
        return self._fill(self.rng.choice(NEXT), day)

    def blocker(self, day: dt.date, needs_name: str) -> str:
        if self.rng.random() < 0.5:
            return self._fill(self.rng.choice(BLOCKERS_NAMED), day, team=needs_name)
        return self._fill(self.rng.choice(BLOCKERS_PLAIN), day)

    def heads_up(self, day: dt.date) -> str:
        return self._fill(self.rng.choice(HEADS_UP), day)

    def action(self, day: dt.date) -> str:
        return self._fill(self.rng.choice(ACTIONS), day)

    def note(self, closed: bool) -> str:
        return self.rng.choice(NOTES_CLOSED if closed else NOTES_OPEN)

    def topic(self, day: dt.date) -> str:
        return self._fill(self.rng.choice(TOPICS), day)

    def decision(self, day: dt.date) -> str:
        return self._fill(self.rng.choice(DECISIONS), day)

    def what(self, day: dt.date) -> str:
        """A dependency's `what`: short and free of Markdown."""
        return self._fill(self.rng.choice(WHAT), day).replace("`", "")
