"""The data model: frozen values built from validated files. No YAML travels past here.

Every object keeps `pos` (where it starts) and `at(field)` (where one of its values
was written), so rules can point a person at the exact line and column.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from sosgen.diagnostics import Pos

QUESTIONS = ("completed", "next", "blockers", "heads_up")
QUESTION_NUMBER = {q: i for i, q in enumerate(QUESTIONS, start=1)}
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEPENDENCY_STATUSES = ("open", "committed", "blocked", "delivered", "dropped")
OPEN_DEPENDENCY = frozenset({"open", "committed", "blocked"})


@dataclass(frozen=True, slots=True)
class Located:
    """What every value read from a file has: where it starts, and where each of its
    fields was written (for the rules' messages)."""

    pos: Pos
    positions: Mapping[str, Pos] = field(
        default_factory=dict, compare=False, repr=False, kw_only=True
    )

    def at(self, name: str) -> Pos:
        return self.positions.get(name, self.pos)


@dataclass(frozen=True, slots=True)
class Person(Located):
    """One entry of `people:` in teams.yaml: an ambassador, a facilitator or an owner."""

    id: str
    name: str
    github: str = ""
    email: str = ""


@dataclass(frozen=True, slots=True)
class Cluster(Located):
    """One entry of `clusters:` in teams.yaml: teams drawn together on the board."""

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Stint(Located):
    """One entry of a team's ambassador rotation: `person` from `start` on."""

    person: str
    start: dt.date


@dataclass(frozen=True, slots=True)
class Team(Located):
    """One team of teams.yaml, with its ambassador rotation (earliest stint first)."""

    id: str
    name: str
    members: tuple[str, ...]
    ambassadors: tuple[Stint, ...]
    cluster: str = ""
    github_team: str = ""
    aliases: tuple[str, ...] = ()
    owns: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Cadence:
    """When the meeting is held (`cadence:` in teams.yaml), and how long it may run."""

    days: tuple[int, ...] = (0, 2, 4)  # weekday numbers, Monday = 0
    timebox_minutes: int = 30
    sprint_weeks: int = 2
    minutes_per_item: int = 2


@dataclass(frozen=True, slots=True)
class Checks:
    """The thresholds of the rules (`checks:` in teams.yaml) and the rules turned off."""

    escalate_after_meetings: int = 2
    ambassador_max_sprints: int = 2
    near_days: int = 5
    off: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Org(Located):
    """teams.yaml: the organisation, its people, clusters and teams, cadence and checks."""

    organization: str
    facilitator: str
    people: Mapping[str, Person]
    teams: tuple[Team, ...]
    cadence: Cadence = Cadence()
    checks: Checks = Checks()
    chief_product_owner: str = ""
    maintainers: tuple[str, ...] = ()
    clusters: Mapping[str, Cluster] = field(default_factory=dict)

    def team(self, team_id: str) -> Team | None:
        return next((t for t in self.teams if t.id == team_id), None)


@dataclass(frozen=True, slots=True)
class Dependency(Located):
    """One entry of dependencies.yaml: a team waiting on another for something."""

    id: str
    team: str  # who waits
    depends_on: str  # who must deliver
    what: str
    needed_by: dt.date
    owner: str
    status: str
    raised: dt.date
    committed: dt.date | None = None
    delivered: dt.date | None = None
    links: tuple[str, ...] = ()
    note: str = ""

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_DEPENDENCY


@dataclass(frozen=True, slots=True)
class Dismissal(Located):
    """A suggested dependency between these teams that a person dismissed
    (`dismissed:` in dependencies.yaml)."""

    teams: frozenset[str]
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Item(Located):
    """One answer item. `teams` is `for` (questions 1, 2, 4) or `needs` (question 3)."""

    question: str
    text: str
    teams: tuple[str, ...] = ()
    dependency: str = ""


@dataclass(frozen=True, slots=True)
class Update(Located):
    """One team's update for one meeting (`meetings/<date>/<team>.yaml`): the four
    answers; the team and the meeting come from the file's place."""

    team: str
    meeting: dt.date
    ambassador: str
    completed: tuple[Item, ...] = ()  # empty: the ambassador said `none`
    next: tuple[Item, ...] = ()
    blockers: tuple[Item, ...] = ()
    heads_up: tuple[Item, ...] = ()
    declared_team: str = ""  # the optional `team:` written in the file
    declared_meeting: dt.date | None = None  # the optional `meeting:` written in the file

    def items(self) -> tuple[Item, ...]:
        return self.completed + self.next + self.blockers + self.heads_up

    def answer(self, question: str) -> tuple[Item, ...]:
        answer: tuple[Item, ...] = getattr(self, question)
        return answer


@dataclass(frozen=True, slots=True)
class Review(Located):
    """One open action item under a meeting's `review:`; `status` is filled in by the
    facilitator."""

    id: str
    status: str | None  # open | done | dropped | None (not reviewed yet)
    note: str = ""
    escalated: bool = False


@dataclass(frozen=True, slots=True)
class Action(Located):
    """An action item raised at a meeting (`actions:` of `_meeting.yaml`)."""

    id: str
    text: str
    owner: str
    due: dt.date
    meeting: dt.date
    dependency: str = ""
    team: str = ""


@dataclass(frozen=True, slots=True)
class ParkingEntry(Located):
    """A parking-lot topic defined here (`topic` set) or a status change of an earlier one."""

    id: str
    topic: str = ""
    teams: tuple[str, ...] = ()
    owner: str = ""
    status: str = "open"


@dataclass(frozen=True, slots=True)
class Decision(Located):
    """A decision taken at a meeting, and the teams it concerns."""

    text: str
    teams: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FollowUp(Located):
    """A blocker or heads-up of the last meeting to follow up (`follow_up:`, written by
    `new-meeting`)."""

    team: str
    question: str
    text: str


@dataclass(frozen=True, slots=True)
class MeetingRecord(Located):
    """The facilitator's `_meeting.yaml`."""

    date: dt.date
    facilitator: str
    attendees: tuple[str, ...] = ()
    expected: Mapping[str, str] = field(default_factory=dict)
    review: tuple[Review, ...] = ()
    actions: tuple[Action, ...] = ()
    parking_lot: tuple[ParkingEntry, ...] = ()
    decisions: tuple[Decision, ...] = ()
    follow_up: tuple[FollowUp, ...] = ()


@dataclass(frozen=True, slots=True)
class Meeting:
    """One `meetings/<date>/` folder: its record, the updates read, the update files present."""

    date: dt.date
    path: str
    record: MeetingRecord | None
    updates: Mapping[str, Update]
    update_files: frozenset[str]  # team ids with a file, parsed or not


@dataclass(frozen=True, slots=True)
class Repository:
    """Everything read from a data repository, as the rules and the site see it."""

    org: Org | None
    dependencies: tuple[Dependency, ...] = ()
    dismissed: tuple[Dismissal, ...] = ()
    meetings: tuple[Meeting, ...] = ()  # in date order

    def dependency(self, dep_id: str) -> Dependency | None:
        return next((d for d in self.dependencies if d.id == dep_id), None)
