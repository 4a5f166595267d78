"""`identity.ByObject`: a value is reused only for the very object, in an equal
context, and only the previous round's entries are kept."""

from __future__ import annotations

from dataclasses import dataclass

from sosgen.identity import ByObject, Kept, keeping


@dataclass(frozen=True)
class Thing:
    text: str


def test_reused_for_the_very_object_in_an_equal_context_only() -> None:
    made: list[str] = []

    def make(thing: Thing) -> str:
        made.append(thing.text)
        return thing.text.upper()

    memo: ByObject[Thing, str] = ByObject()
    a, b = Thing("a"), Thing("b")
    memo.begin()  # outside `keeping`: nothing kept
    assert memo.get(a, ("ctx",), make) == "A"
    memo.begin()
    assert memo.get(a, ("ctx",), make) == "A"
    assert made == ["a", "a"]
    made.clear()
    with keeping():
        _rounds(memo, make, made, a, b)


def _rounds(memo, make, made, a, b) -> None:
    memo.begin()
    assert memo.get(a, ("ctx",), make) == "A" and memo.get(b, ("ctx",), make) == "B"
    memo.begin()
    assert memo.get(a, ("ctx",), make) == "A"  # kept
    assert memo.get(Thing("b"), ("ctx",), make) == "B"  # equal, but another object
    assert memo.get(b, ("other",), make) == "B"  # another context
    assert made == ["a", "b", "b", "b"]
    memo.begin()
    memo.begin()  # a round that did not ask for `a`: forgotten
    assert memo.get(a, ("ctx",), make) == "A"
    assert made == ["a", "b", "b", "b", "a"]


def test_mentions_and_health_counts_kept_give_what_fresh_ones_give(tmp_path, monkeypatch) -> None:
    from dataclasses import replace

    from intel_synth import history

    from sosgen import health
    from sosgen.actions import derive_actions
    from sosgen.intel import text
    from sosgen.repo import load_repository

    repo, _, _ = load_repository(history(3, weeks=10).write(tmp_path / "org"))
    assert repo.org is not None
    fewer = replace(repo, org=replace(repo.org, teams=repo.org.teams[1:]))
    actions = derive_actions(repo, escalate_after=2)

    def fresh(run, *args):
        monkeypatch.setattr(text, "_MENTIONS", ByObject())
        monkeypatch.setattr(health, "_COUNTS", ByObject())
        return run(*args)

    monkeypatch.setattr("sosgen.identity._KEEPING", True)
    mentions = fresh(text.undeclared_mentions, repo)
    counts = fresh(health.meeting_health, repo, repo.org, actions)
    assert mentions
    for _ in range(2):  # the same objects: kept values
        assert text.undeclared_mentions(repo) == mentions
        assert health.meeting_health(repo, repo.org, actions) == counts
    # other teams: worked out again
    assert text.undeclared_mentions(fewer) == fresh(text.undeclared_mentions, fewer)
    assert text.undeclared_mentions(fewer) != mentions


def test_one_value_kept_for_equal_inputs_while_keeping() -> None:
    made: list[int] = []

    def make(n: int) -> int:
        made.append(n)
        return n * 10

    kept: Kept[int] = Kept()
    assert kept.get(("a",), make, 1) == 10
    assert kept.get(("a",), make, 1) == 10
    assert made == [1, 1]  # outside `keeping`: made every time
    with keeping():
        assert kept.get(("a",), make, 2) == 20
        assert kept.get(("a",), make, 3) == 20  # equal inputs: the value made before
        assert kept.get(("b",), make, 4) == 40
        assert kept.get(("a",), make, 5) == 50  # only the last one is kept
    assert made == [1, 1, 2, 4, 5]
    assert kept.get(("a",), make, 6) == 60  # outside: made, and not kept
    with keeping():
        assert kept.get(("a",), make, 7) == 50
    assert made == [1, 1, 2, 4, 5, 6]


def test_the_rounds_context_is_compared_once_and_an_other_one_forgets() -> None:
    made: list[str] = []

    def make(thing: Thing) -> str:
        made.append(thing.text)
        return thing.text.upper()

    class Counted:
        """A context that counts how often it is compared."""

        compared = 0

        def __init__(self, value: str) -> None:
            self.value = value

        def __eq__(self, other: object) -> bool:
            Counted.compared += 1
            return isinstance(other, Counted) and other.value == self.value

        __hash__ = None  # type: ignore[assignment]

    memo: ByObject[Thing, str] = ByObject()
    things = [Thing(str(i)) for i in range(50)]
    with keeping():
        memo.begin(Counted("teams"))
        assert [memo.get(t, (), make) for t in things] == [t.text.upper() for t in things]
        assert len(made) == 50
        Counted.compared = 0
        memo.begin(Counted("teams"))  # equal, another object: compared once, kept
        assert [memo.get(t, (), make) for t in things] == [t.text.upper() for t in things]
        assert len(made) == 50 and Counted.compared == 1
        memo.begin(Counted("other teams"))  # another context: nothing handed back
        memo.get(things[0], (), make)
        assert len(made) == 51
