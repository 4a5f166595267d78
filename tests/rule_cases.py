from conftest import DAY, DEPENDENCIES, MEETING, TEAMS, UPDATE

P = f"meetings/{DAY}/payments.yaml"
M = f"meetings/{DAY}/_meeting.yaml"


def upd(**kw):
    base = {
        "ambassador": "alice",
        "completed": "none",
        "next": "none",
        "blockers": "none",
        "heads_up": "none",
    }
    base.update(kw)
    return "".join(f"{k}: {v}\n" for k, v in base.items())


A16, A18, A20 = (f"meetings/2026-11-{d}/_meeting.yaml" for d in (16, 18, 20))
RAISE = (
    "facilitator: dana\nactions:\n"
    "  - {id: A-2026-11-20-1, text: Agree schema, owner: bob, due: 2026-11-27}\n"
)
RAISED_18 = RAISE.replace("A-2026-11-20-1", "A-2026-11-18-1")
DONE_20 = "facilitator: dana\nreview:\n  - {id: A-2026-11-18-1, status: done}\n"
OPEN_16 = "facilitator: dana\nreview:\n  - {id: A-2026-11-16-1, status: open}\n"
DEP2 = """  - id: DEP-2
    team: identity
    depends_on: checkout
    what: Session tokens
    needed_by: 2026-11-20
    owner: erin
    status: open
    raised: 2026-11-02
"""
CASES = {
    "unknown-team": {P: upd(next="\n  - text: x\n    for: [paymnets]")},
    "unknown-person": {"teams.yaml": TEAMS.replace("facilitator: dana", "facilitator: dan")},
    "unknown-dependency": {
        P: upd(next="\n  - text: x\n    for: [checkout]\n    dependency: DEP-9")
    },
    "unknown-cluster": {
        "teams.yaml": TEAMS.replace(
            "    cluster: shop\n    members: [bob]", "    cluster: shopping\n    members: [bob]"
        )
    },
    "duplicate-id": {"dependencies.yaml": DEPENDENCIES + DEPENDENCIES.split("\n", 1)[1]},
    "reserved-id": {
        "teams.yaml": TEAMS.replace(
            "  erin: {name: Erin Li}", "  erin: {name: Erin Li}\n  aux: {name: Aux}"
        )
    },
    "unknown-rule": {
        "teams.yaml": TEAMS.replace(
            "facilitator: dana",
            "facilitator: dana\nchecks: {off: [status-not-cordination, unknown-team]}",
        )
    },
    "team-rotation": {
        "teams.yaml": TEAMS.replace(
            "ambassadors: [{person: erin, from: 2026-11-02}]",
            "ambassadors: [{person: erin, from: 2026-11-02}, {person: bob, from: 2026-11-01}]",
        )
    },
    "update-location": {P: upd(team="checkout", meeting="2026-11-20")},
    "status-not-coordination": {P: upd(completed="\n  - text: Tidied our logs")},
    "ambassador-not-scheduled": {
        "teams.yaml": TEAMS.replace("members: [alice]", "members: [alice, erin]"),
        P: upd(ambassador="erin"),
    },
    "ambassador-too-long": {
        "teams.yaml": TEAMS.replace(
            "ambassadors: [{person: bob, from: 2026-11-02}]",
            "ambassadors: [{person: bob, from: 2026-09-01}]",
        )
    },
    "blocker-names-team": {
        P: upd(
            blockers="\n  - text: Waiting on the Identity login for checkout\n    needs: checkout"
        )
    },
    "id-date": {
        M: MEETING
        + "actions:\n  - {id: A-2026-11-20-1, text: Agree schema, owner: bob, due: 2026-11-27}\n"
    },
    "too-many-attendees": {
        M: "facilitator: dana\nattendees: [alice, bob, erin, dana, erin2]\n",
        "teams.yaml": TEAMS.replace(
            "  erin: {name: Erin Li}", "  erin: {name: Erin Li}\n  erin2: {name: Erin Two}"
        ),
    },
    "over-timebox": {
        "teams.yaml": TEAMS.replace("timebox_minutes: 30", "timebox_minutes: 5"),
        P: upd(
            blockers="\n  - text: Token introspection\n    needs: identity",
            heads_up="\n  - text: Card format changes\n    for: [checkout]",
        ),
    },
    "missing-update": {"__delete__": f"meetings/{DAY}/identity.yaml"},
    "skipped-meeting": {
        "meetings/2026-11-18/_meeting.yaml": MEETING,
        "meetings/2026-11-18/payments.yaml": UPDATE.format(who="alice", other="checkout"),
        "meetings/2026-11-18/checkout.yaml": UPDATE.format(who="bob", other="payments"),
        "meetings/2026-11-18/identity.yaml": UPDATE.format(who="erin", other="payments"),
    },
    "dependency-record": {
        "dependencies.yaml": DEPENDENCIES.replace("status: committed", "status: delivered")
    },
    "dependency-overdue": {"dependencies.yaml": DEPENDENCIES + DEP2},
    "yaml-syntax": {P: "ambassador: alice\ncompleted: [unclosed\n"},
    "schema": {"dependencies.yaml": DEPENDENCIES.replace("status: committed", "status: late")},
    "unknown-key": {
        "teams.yaml": TEAMS.replace("  - id: identity", "  - id: identity\n    aliasses: [idp]")
    },
    "missing-key": {M: "attendees: [dana]\n"},
    "question-missing": {P: "ambassador: alice\ncompleted: none\nnext: none\nblockers: none\n"},
    "layout": {"meetings/2026-13-01/payments.yaml": UPDATE.format(who="alice", other="checkout")},
    "unknown-action": {M: MEETING + "review:\n  - {id: A-2026-11-20-1, status: open}\n"},
    "review-order": {
        M: MEETING
        + "review:\n  - {id: A-2026-11-23-1, status: open}\nactions:\n  - {id: A-2026-11-23-1, text: Agree schema, owner: bob, due: 2026-11-27}\n"
    },
    "duplicate-review": {
        A20: RAISE,
        M: MEETING
        + "review:\n  - {id: A-2026-11-20-1, status: open}\n  - {id: A-2026-11-20-1, status: done}\n",
    },
    "review-closed": {
        A18: RAISED_18,
        A20: DONE_20,
        M: MEETING + "review:\n  - {id: A-2026-11-18-1, status: done}\n",
    },
    "reopened-without-note": {
        A18: RAISED_18,
        A20: DONE_20,
        M: MEETING + "review:\n  - {id: A-2026-11-18-1, status: open}\n",
    },
    "not-reviewed": {A20: RAISE, M: MEETING + "review:\n  - {id: A-2026-11-20-1}\n"},
    "not-carried": {A20: RAISE, M: MEETING + "review:\n"},
    "escalated": {
        A16: RAISE.replace("A-2026-11-20-1", "A-2026-11-16-1"),
        A18: OPEN_16,
        A20: OPEN_16,
        M: MEETING + "review:\n  - {id: A-2026-11-16-1, status: open}\n",
    },
    "unknown-topic": {M: MEETING + "parking_lot:\n  - {id: P-2026-11-20-1, status: done}\n"},
}
