"""A synthetic history with known ground truth, for measuring the intelligence signals.

`history(seed, pattern=...)` builds an organisation of eight teams over `weeks` of
Mon/Wed/Fri meetings and plants:

- undeclared mentions: an item names a team (by id, name, alias, owned code name,
  possessive or shouting case) that its `for`/`needs` leaves out and no open
  dependency covers; 5% of them are paraphrases no word list can know ("the
  money people"), so a perfect detector still misses them;
- look-alikes that are *not* undeclared mentions: the team is declared, or an open
  dependency covers the pair, or the pair is dismissed, or the author names itself;
- common-word uses of an alias that name no team ("the login button", "iOS date
  pickers"): the detector flags them, and they count against its precision;
- restated blockers: the same blocker three updates in a row;
- dependencies whose lateness depends on the provider (`pattern=True`: two "late
  providers" miss 75% of their dates, the others 15%) or on nothing (`pattern=False`:
  every provider misses 30%).

`code_history(path, seed)` writes a git repository with `git fast-import`: merge
commits on the main line whose files belong to the teams' `owns`, with planted
co-changing pairs, pairs below each threshold, oversize changes and a contract file
changed by another team. The truth is counted from the plan, not by sosgen's code.

Every draw comes from one `random.Random(seed)`: the same seed, the same history.
"""

from __future__ import annotations

import datetime as dt
import random
import subprocess
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

import yaml

try:
    from yaml import CSafeDumper as _BaseDumper
except ImportError:  # pragma: no cover - PyYAML without libyaml
    from yaml import SafeDumper as _BaseDumper  # type: ignore[assignment]


class _Dumper(_BaseDumper):
    def ignore_aliases(self, data: object) -> bool:
        return True  # the strict loader refuses anchors: write every value out


# id, name, aliases, owns
TEAMS: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        "payments",
        "Payments",
        ("billing", "payment api"),
        ("services/payments/**", "libs/ledger/**"),
    ),
    ("checkout", "Checkout", ("cart", "basket"), ("services/checkout/**", "web/cart/**")),
    (
        "identity",
        "Identity",
        ("login", "sso"),
        ("services/identity/**", "services/token-service/**"),
    ),
    ("mobile", "Mobile", ("app team", "ios"), ("apps/ios/**", "apps/android/**")),
    ("search", "Search", ("typeahead",), ("services/search/**", "ml/relevance/**")),
    ("catalog", "Catalog", ("product data",), ("services/catalog/**", "jobs/export/**")),
    ("platform", "Platform", ("infra", "kafka"), ("infra/**", "deploy/**")),
    ("shipping", "Shipping", ("fulfilment",), ("services/shipping/**", "libs/labels/**")),
)
# Words for each team that only an owned path gives (the detector derives them).
OWNED_WORDS = {
    "payments": ("ledger",),
    "identity": ("token service", "token-service"),
    "mobile": ("android",),
    "search": ("relevance",),
    "catalog": ("export",),
    "platform": ("deploy",),
    "shipping": ("labels",),
}
PARAPHRASES = {
    "payments": "the money people",
    "checkout": "the folks who run the purchase funnel",
    "identity": "the people behind accounts",
    "mobile": "the handset crew",
    "search": "the finder team",
    "catalog": "the merchandise records group",
    "platform": "the cluster keepers",
    "shipping": "the parcel crew",
}
# A team's alias used as a plain word that names no team.
COMMON_WORD_USES = {
    "identity": "the login button copy is final",
    "checkout": "the cart icon was redrawn for dark mode",
    "mobile": "iOS 18 date pickers look wrong in the web view",
    "catalog": "the CSV export of the audit trail is ready",
    "platform": "we deploy on Tuesdays only",
}
DISMISSED = ("search", "shipping")
LATE_PROVIDERS = ("platform", "catalog")

NOUNS = (
    "refund flow", "session store", "price feed", "image cache", "order history",
    "stock badge", "promo banner", "gift cards", "address form", "rate limiter",
    "audit trail", "webhook retries", "currency rounding", "tax rules", "receipt emails",
    "wish lists", "store locator", "coupon engine", "consent banner", "dark mode",
    "feature flags", "error budget", "data retention", "schema registry", "loyalty points",
)  # fmt: skip
TEMPLATES = {
    "completed": ("{N} shipped to production", "{N} is live on staging", "Finished the {n} work"),
    "next": ("Start on the {n} rewrite", "{N} rollout next sprint", "Prototype the {n} changes"),
    "blockers": ("Cannot finish the {n} without an answer", "Still waiting on the {n} review"),
    "heads_up": ("{N} changes format on Monday", "{N} is read-only during the drill"),
}
JOINS = (
    "{base}; {ref} needs to know",
    "{base}, agreed with {ref}",
    "{base} ({ref} to confirm)",
    "{base}: {ref}'s part is pending",
)
QUESTIONS = ("completed", "next", "blockers", "heads_up")

# How often an item carries each planted thing (when the item allows it).
ROLE_CHANCES = (
    ("positive", 0.12),  # an undeclared mention
    ("declared", 0.20),  # the team is in `for`/`needs`
    ("covered", 0.10),  # an open dependency covers the pair
    ("own", 0.05),  # the author names itself
    ("dismissed", 0.04),  # the pair is dismissed
    ("common", 0.02),  # an alias used as a plain word
)
P_PARAPHRASE = 0.05  # of the undeclared mentions
RAISED_PER_MEETING = (0, 1, 1, 2, 2, 3)  # new dependencies per meeting, drawn from these


def cite_chance(days_left: int) -> float:
    """A waiting team cites an undelivered dependency as a blocker more often as its
    needed-by date comes near (the same in both worlds: it says nothing beyond time)."""
    return 0.05 + 0.3 * max(0.0, 1 - days_left / 14)


@dataclass
class Dep:
    id: str
    team: str
    depends_on: str
    raised: dt.date
    needed_by: dt.date
    finish: dt.date | None  # delivery day, None if dropped
    committed: dt.date | None

    def open_on(self, day: dt.date) -> bool:
        return (
            self.raised <= day and self.finish is not None and self.finish >= day
        )  # delivered that very day still covers


@dataclass
class History:
    files: dict[str, dict[str, Any]] = field(default_factory=dict)  # relpath -> document
    positives: set[tuple[str, str]] = field(default_factory=set)  # (update path, named team)
    negatives: set[tuple[str, str]] = field(default_factory=set)  # look-alikes and common words
    paraphrases: int = 0
    roles: dict[tuple[str, str], str] = field(default_factory=dict)  # (path, team) -> role
    restated: list[tuple[str, dt.date]] = field(default_factory=list)  # (team, first date)
    deps: list[Dep] = field(default_factory=list)
    end: dt.date = dt.date(2026, 1, 1)

    def write(self, root: Path) -> Path:
        for relpath, doc in sorted(self.files.items()):
            path = root / relpath
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(_dump(doc), encoding="utf-8")
        return root


def _dump(doc: dict[str, Any]) -> str:
    """Plain YAML that sosgen's strict loader reads (libyaml's dumper: fast)."""
    return yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1000)


def _draw(rng: random.Random) -> str:
    roll = rng.random()
    for role, chance in ROLE_CHANCES:
        if roll < chance:
            return role
        roll -= chance
    return ""


def _teams_doc() -> dict[str, Any]:
    people: dict[str, Any] = {"fac": {"name": "Fac Ilitator"}}
    teams = []
    for i, (tid, name, aliases, owns) in enumerate(TEAMS):
        members = [f"{tid}-a", f"{tid}-b"]
        for who in members:
            people[who] = {"name": f"{name} {who[-1].upper()}", "email": f"{who}@example.com"}
        teams.append(
            {
                "id": tid,
                "name": name,
                "members": members,
                "ambassadors": [{"person": members[i % 2], "from": dt.date(2025, 1, 6)}],
                "aliases": list(aliases),
                "owns": list(owns),
            }
        )
    return {
        "organization": "Synthetic Org",
        "cadence": {"days": ["mon", "wed", "fri"]},
        "facilitator": "fac",
        "people": people,
        "teams": teams,
    }


def _meeting_days(start: dt.date, weeks: int) -> list[dt.date]:
    days = [start + dt.timedelta(days=i) for i in range(weeks * 7)]
    return [d for d in days if d.weekday() in (0, 2, 4)]


def _names(tid: str) -> list[str]:
    team = next(t for t in TEAMS if t[0] == tid)
    words = [tid, team[1], *team[2], *OWNED_WORDS.get(tid, ())]
    return [*words, f"{team[1]}'s", team[1].upper()]


class _Builder:
    def __init__(self, seed: int, weeks: int, pattern: bool, items: bool) -> None:
        self.rng = random.Random(seed)
        self.pattern = pattern
        self.items = items
        self.days = _meeting_days(dt.date(2025, 1, 6), weeks)
        self.ids = [t[0] for t in TEAMS]
        self.out = History(end=self.days[-1])

    def late_chance(self, provider: str) -> float:
        if not self.pattern:
            return 0.30
        return 0.75 if provider in LATE_PROVIDERS else 0.15

    def raise_dep(self, day: dt.date) -> None:
        rng = self.rng
        team, provider = rng.sample(self.ids, 2)
        needed = day + dt.timedelta(days=rng.randint(7, 35))
        if rng.random() < 0.05:
            finish = None  # dropped
        elif rng.random() < self.late_chance(provider):
            finish = needed + dt.timedelta(days=rng.randint(1, 12))
        else:
            finish = needed - dt.timedelta(days=rng.randint(0, min(10, (needed - day).days - 1)))
        committed = needed - dt.timedelta(days=rng.randint(0, 5)) if rng.random() < 0.5 else None
        dep = Dep(f"DEP-{len(self.out.deps) + 1}", team, provider, day, needed, finish, committed)
        self.out.deps.append(dep)

    def dep_doc(self, dep: Dep) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "id": dep.id,
            "team": dep.team,
            "depends_on": dep.depends_on,
            "what": f"Synthetic need {dep.id}",
            "needed_by": dep.needed_by,
        }
        if dep.committed is not None:
            doc["committed"] = dep.committed
        doc["owner"] = f"{dep.depends_on}-a"
        if dep.finish is None:
            doc["status"] = "dropped"
        elif dep.finish <= self.out.end:
            doc["status"] = "delivered"
        else:
            doc["status"] = "committed" if dep.committed else "open"
        doc["raised"] = dep.raised
        if doc["status"] == "delivered":
            doc["delivered"] = dep.finish
        return doc

    def sentence(self, question: str) -> str:
        noun = self.rng.choice(NOUNS)
        template = self.rng.choice(TEMPLATES[question])
        return template.format(n=noun, N=noun[0].upper() + noun[1:])

    def item(
        self, question: str, author: str, day: dt.date, roles: dict[str, str]
    ) -> dict[str, Any]:
        rng = self.rng
        others = [t for t in self.ids if t != author]
        declared = rng.choice(others)
        text = self.sentence(question)
        covered = sorted(
            {
                d.depends_on if d.team == author else d.team
                for d in self.out.deps
                if author in (d.team, d.depends_on) and d.open_on(day)
            }
        )
        ref_team, role, ref = "", _draw(rng), ""
        free = [
            t
            for t in others
            if t != declared and t not in covered and frozenset((author, t)) != frozenset(DISMISSED)
        ]
        if role == "positive" and free:
            ref_team = rng.choice(free)
            if rng.random() < P_PARAPHRASE:
                role, ref = "paraphrase", PARAPHRASES[ref_team]
            else:
                ref = rng.choice(_names(ref_team))
        elif role == "declared":
            ref_team, ref = declared, rng.choice(_names(declared))
        elif role == "covered" and covered:
            ref_team = rng.choice(covered)
            ref = rng.choice(_names(ref_team))
        elif role == "own":
            ref_team, ref = author, rng.choice(_names(author))
        elif role == "dismissed" and author in DISMISSED:
            ref_team = next(t for t in DISMISSED if t != author)
            ref = rng.choice(_names(ref_team))
        elif role == "common" and (choices := [t for t in COMMON_WORD_USES if t in free]):
            ref_team = rng.choice(choices)
        else:
            role = ""  # the drawn role cannot be planted in this item
        if role and roles.setdefault(ref_team, role) != role:
            role = ""  # the file already uses this team in another role: plant nothing
        elif role == "common":
            text = f"{text}; {COMMON_WORD_USES[ref_team]}"
        elif role:
            text = rng.choice(JOINS).format(base=text, ref=ref)
        key = "needs" if question == "blockers" else "for"
        item: dict[str, Any] = {"text": text, key: declared if key == "needs" else [declared]}
        return {"item": item, "role": role, "team": ref_team}

    def build(self) -> History:
        rng, out = self.rng, self.out
        out.files["teams.yaml"] = teams = _teams_doc()
        self.ambassadors = {t["id"]: t["ambassadors"][0]["person"] for t in teams["teams"]}
        restating: dict[str, tuple[str, str, int]] = {}  # team -> (text, needs, times left)
        for day in self.days:
            for _ in range(rng.choice(RAISED_PER_MEETING)):
                self.raise_dep(day)
            out.files[f"meetings/{day}/_meeting.yaml"] = {"facilitator": "fac"}
            for author in self.ids:
                path = f"meetings/{day}/{author}.yaml"
                roles: dict[str, str] = {}
                doc: dict[str, Any] = {"ambassador": self.ambassadors[author]}
                for question in QUESTIONS:
                    items = []
                    for _ in range(rng.choice((0, 1, 1, 2)) if self.items else 0):
                        made = self.item(question, author, day, roles)
                        items.append(made["item"])
                        self._truth(path, made)
                    if question == "blockers":
                        items += self._blockers(author, day, restating)
                    doc[question] = items or "none"
                out.files[path] = doc
        out.files["dependencies.yaml"] = {
            "dependencies": [self.dep_doc(d) for d in out.deps],
            "dismissed": [{"teams": list(DISMISSED), "reason": "synthetic: shared wording only"}],
        }
        return out

    def _truth(self, path: str, made: dict[str, Any]) -> None:
        role, team = made["role"], made["team"]
        if role:
            self.out.roles[(path, team)] = role
        if role in ("positive", "paraphrase"):
            self.out.positives.add((path, team))
            self.out.paraphrases += role == "paraphrase"
        elif role in ("covered", "dismissed", "common", "declared", "own"):
            self.out.negatives.add((path, team))

    def _blockers(
        self, author: str, day: dt.date, restating: dict[str, tuple[str, str, int]]
    ) -> list[dict[str, Any]]:
        rng, out = self.rng, self.out
        items: list[dict[str, Any]] = []
        for dep in out.deps:
            if (
                dep.team == author
                and dep.open_on(day)
                and dep.finish != day
                and rng.random() < cite_chance((dep.needed_by - day).days)
            ):
                items.append(
                    {
                        "text": f"Waiting on {dep.id} ({rng.choice(NOUNS)})",
                        "needs": dep.depends_on,
                        "dependency": dep.id,
                    }
                )
        if author not in restating and rng.random() < 0.01:
            other = rng.choice([t for t in self.ids if t != author])
            restating[author] = (
                f"No answer yet on the {rng.choice(NOUNS)} question, {day}",
                other,
                3,
            )
            out.restated.append((author, day))
        if author in restating:
            text, needs, left = restating[author]
            items.append({"text": text, "needs": needs})
            if left == 1:
                del restating[author]
            else:
                restating[author] = (text, needs, left - 1)
        return items


def history(seed: int = 1, *, weeks: int = 26, pattern: bool = True, items: bool = True) -> History:
    """A synthetic data repository and its ground truth (see the module docstring).
    `items=False` leaves out every item but the blockers that cite dependencies (and
    the restated ones): the same dependencies and risk history, faster to load."""
    return _Builder(seed, weeks, pattern, items).build()


# --- code history ---------------------------------------------------------------


@dataclass
class CodePlan:
    changes: list[tuple[str, tuple[str, ...], str]] = field(
        default_factory=list
    )  # author, files, subject
    thresholds: tuple[int, int, int, int] = (5, 5, 30, 30)

    def truth(self) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
        """(pairs above every threshold, pairs sharing a change but below one), counted
        from the plan with the teams' top folders."""
        min_changes, min_shared, min_coupling, max_files = self.thresholds
        per_team: dict[str, int] = {}
        shared: dict[tuple[str, str], int] = {}
        for _, files, _ in self.changes:
            if len(files) > max_files:
                continue
            teams = sorted({t for f in files if (t := owner_of(f))})
            for t in teams:
                per_team[t] = per_team.get(t, 0) + 1
            for pair in combinations(teams, 2):
                shared[pair] = shared.get(pair, 0) + 1
        above, below = set(), set()
        for (a, b), n in shared.items():
            ok = (
                min(per_team[a], per_team[b]) >= min_changes
                and n >= min_shared
                and n * 200 >= min_coupling * (per_team[a] + per_team[b])
            )
            (above if ok else below).add((a, b))
        return above, below


def owner_of(path: str) -> str:
    """The team owning `path` in the synthetic organisation (no globs needed here)."""
    for tid, _, _, owns in TEAMS:
        for glob in owns:
            if path.startswith(glob.removesuffix("**")):
                return tid
    return ""


def _files(rng: random.Random, team: str, n: int) -> list[str]:
    owns = next(t[3] for t in TEAMS if t[0] == team)
    return [f"{rng.choice(owns).removesuffix('**')}mod{rng.randint(1, 40)}.py" for _ in range(n)]


def code_plan(seed: int = 1) -> CodePlan:
    """Planted: payments+checkout and search+catalog co-change above the thresholds;
    identity+mobile share 4 changes (below 5 shared); platform+payments share 6 but
    platform changes 40 times alone (coupling below 30%); shipping has only 3 changes,
    all with catalog (below 5 changes each); 4 oversize changes couple identity and
    search (skipped); a checkout author changes payments' OpenAPI file."""
    rng = random.Random(seed)
    plan = CodePlan()

    def add(author: str, teams_files: list[str], subject: str) -> None:
        plan.changes.append((author, tuple(sorted(set(teams_files))), subject))

    for i in range(8):
        add("checkout-a", _files(rng, "payments", 2) + _files(rng, "checkout", 2), f"Refunds {i}")
    for i in range(6):
        add("search-a", _files(rng, "search", 1) + _files(rng, "catalog", 2), f"Facets {i}")
    for i in range(4):
        add("identity-a", _files(rng, "identity", 1) + _files(rng, "mobile", 1), f"Login {i}")
    for i in range(6):
        add("platform-a", _files(rng, "platform", 1) + _files(rng, "payments", 1), f"Infra {i}")
    for i in range(3):
        add("shipping-a", _files(rng, "shipping", 1) + _files(rng, "catalog", 1), f"Labels {i}")
    for i in range(4):
        big = [f"services/identity/gen{j}.py" for j in range(20)]
        big += [f"services/search/gen{j}.py" for j in range(20)]
        add("platform-b", big, f"Reformat {i}")
    solo = {"platform": 40, "identity": 10, "mobile": 10, "payments": 4, "checkout": 3}
    for team, n in {**solo, "search": 5, "catalog": 4}.items():
        for i in range(n):
            add(f"{team}-b", _files(rng, team, rng.randint(1, 3)), f"{team} work {i}")
    for i in range(5):
        add("fac", [f"docs/page{i}.md"], f"Docs {i}")
    add(
        "checkout-b",
        ["services/payments/api/openapi.yaml", "services/checkout/client.py"],
        "Add refund reason to the payments API",
    )
    rng.shuffle(plan.changes)
    return plan


def _data(text: str) -> str:
    return f"data {len(text.encode())}\n{text}\n"


def write_git(plan: CodePlan, root: Path, *, start: dt.date = dt.date(2026, 1, 5)) -> Path:
    """The plan as a git repository: each change a `--no-ff` merge of a topic branch
    (every third change a direct commit on main instead), written with fast-import."""
    root.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    stream: list[str] = []
    when = int(dt.datetime(start.year, start.month, start.day, tzinfo=dt.UTC).timestamp())
    mark = 0
    tip = 0

    def commit(
        ref: str, author: str, subject: str, files: tuple[str, ...], parents: list[int], t: int
    ) -> int:
        nonlocal mark
        mark += 1
        email = f"{author}@example.com"
        stream.append(f"commit {ref}\nmark :{mark}\n")
        stream.append(
            f"author {author} <{email}> {t} +0000\ncommitter {author} <{email}> {t} +0000\n"
        )
        stream.append(_data(subject))
        if parents:
            stream.append(f"from :{parents[0]}\n")
        for p in parents[1:]:
            stream.append(f"merge :{p}\n")
        for f in files:
            stream.append(f"M 100644 inline {f}\n{_data(f'{subject}: {f}')}")
        return mark

    tip = commit("refs/heads/main", "fac", "Initial commit", ("README.md",), [], when)
    for i, (author, files, subject) in enumerate(plan.changes):
        when += 3600
        if i % 3 == 2:
            tip = commit("refs/heads/main", author, subject, files, [tip], when)
        else:
            side = commit(f"refs/heads/topic-{i}", author, subject, files, [tip], when)
            tip = commit(
                "refs/heads/main",
                "fac",
                f"Merge pull request #{i} from acme/topic-{i}\n\n{subject}",
                files,
                [tip, side],
                when + 60,
            )
    subprocess.run(
        ["git", "-C", str(root), "fast-import", "--quiet"],
        input="".join(stream).encode(),
        check=True,
    )
    subprocess.run(["git", "-C", str(root), "reset", "-q", "--hard", "main"], check=True)
    return root
