"""What the leadership summary and the CSV export may publish (followup/privacy.py): small groups are
hidden, and no hidden figure can be recovered from the published ones, neither as the total minus
the shown groups nor by comparing one table with another. Checked against sets of employees counted
here, independently of the pandas group-by."""

from __future__ import annotations

import itertools
import random

from pipeline.followup.figures import ConversationFact, GoalFact
from pipeline.followup.frames import FigureFrames
from pipeline.followup.privacy import Publication, Table, plan_publication

N = 5


def people(*groups: tuple[str, str, int], score: int | None = None) -> list[ConversationFact]:
    """`count` employees of (department, interviewer) per group."""
    return [
        ConversationFact(department, interviewer, "held", False, score)
        for department, interviewer, count in groups
        for _ in range(count)
    ]


def published_sets(
    facts: list[ConversationFact], minimum: int, plan: Publication | None = None
) -> list[frozenset[int]]:
    """Every set of employees whose figures are published: each shown group, each "Other", the total
    (of `plan`, else of the plan made for `facts`)."""
    plan = plan or plan_publication(FigureFrames(facts, []), minimum)
    if plan.too_small:
        return []  # a round of fewer than N shows no figures at all
    sets = [frozenset(range(len(facts)))]
    for grouping, table in plan.tables.items():
        member = [getattr(f, grouping) for f in facts]
        for key in table.shown:
            sets.append(frozenset(i for i, m in enumerate(member) if m == key))
        hidden = frozenset(i for i, m in enumerate(member) if m in table.hidden)
        if hidden:
            sets.append(hidden)
    return sets


def leaks(
    facts: list[ConversationFact], minimum: int, plan: Publication | None = None
) -> list[tuple[int, int]]:
    """(size of the larger set, size of the difference) of every published pair one of which holds the
    other and whose difference is 1 to N-1 employees; (0, size) of a published set of 1 to N-1."""
    found = []
    published = published_sets(facts, minimum, plan)
    for a, b in itertools.permutations(published, 2):
        if a < b and 0 < len(b - a) < minimum:
            found.append((len(b), len(b - a)))
    return found + [(0, len(a)) for a in published if 0 < len(a) < minimum]


def random_groups(rng: random.Random) -> list[tuple[str, str, int]]:
    return [
        (f"D{rng.randrange(5)}", f"I{rng.randrange(7)}", rng.randrange(1, 12))
        for _ in range(rng.randrange(1, 10))
    ]


def test_a_small_group_is_not_the_total_minus_the_shown_groups():
    # A 10, B 10, C 3: hiding C alone would leave it as total (23) minus A and B.
    facts = people(("A", "I1", 10), ("B", "I2", 10), ("C", "I3", 3))
    plan = plan_publication(FigureFrames(facts, []), N)
    departments = plan.tables["department"]
    assert departments.hidden == {"A", "C"}  # the smallest shown one joins C
    assert departments.other().employees == 13
    shown = sum(departments.groups[k].employees for k in departments.shown)
    assert plan.total.employees - shown == 13  # the pool, never the small group alone
    assert not leaks(facts, N)


def test_a_department_minus_the_interviewer_group_inside_it_is_not_published():
    # D has 8 employees: 6 under I1, 2 under I2, who also has 6 in E. D - I1 would be those 2.
    facts = people(("D", "I1", 6), ("D", "I2", 2), ("E", "I2", 6), ("F", "I3", 9))
    assert not leaks(facts, N)
    plan = plan_publication(FigureFrames(facts, []), N)
    assert "I1" in plan.tables["interviewer_id"].hidden


def test_a_group_that_is_all_but_a_few_of_the_round_is_hidden():
    facts = people(("A", "I1", 20), ("B", "I2", 2))
    assert not leaks(facts, N)
    assert plan_publication(FigureFrames(facts, []), N).tables["department"].shown == []


def test_no_published_pair_ever_reveals_a_small_group():
    rng = random.Random(11)
    for _ in range(300):
        groups = random_groups(rng)
        facts = people(*groups)
        minimum = rng.choice([3, 5, 7])
        assert not leaks(facts, minimum), groups
        plan = plan_publication(FigureFrames(facts, []), minimum)
        for table in [] if plan.too_small else plan.tables.values():
            assert all(table.groups[k].employees >= minimum for k in table.shown)
            other = table.other()
            assert other is None or other.employees == 0 or other.employees >= minimum


def test_the_side_hidden_is_the_one_that_leaves_more_groups_shown():
    # I2 (2) is small, so I3 (5) joins it in the pool. D4 (11) minus I6 (9) would be I2's 2: hiding I6
    # shows D0, D4 and I3 (the pool, I6 + I2, is D4 again, which gives nothing away); hiding D4 would
    # pool both departments and leave one group shown.
    facts = people(("D0", "I3", 5), ("D4", "I6", 9), ("D4", "I2", 2))
    plan = plan_publication(FigureFrames(facts, []), N)
    assert plan.tables["department"].shown == ["D0", "D4"]
    assert plan.tables["interviewer_id"].shown == ["I3"]
    assert not leaks(facts, N)


def test_no_group_is_hidden_that_could_be_shown():
    """A local minimum: showing any group of N or more that is hidden (to protect another) would give a
    small group away, by the independent count of published sets."""
    rng = random.Random(23)
    for _ in range(150):
        groups = random_groups(rng)
        facts = people(*groups)
        minimum = rng.choice([3, 5, 7])
        plan = plan_publication(FigureFrames(facts, []), minimum)
        if plan.too_small:
            continue
        assert not leaks(facts, minimum, plan), groups
        for grouping, table in plan.tables.items():
            for key in [k for k in table.hidden if table.groups[k].employees >= minimum]:
                tables = {g: Table(t.groups, set(t.hidden)) for g, t in plan.tables.items()}
                tables[grouping].hidden.discard(key)
                shown = Publication(minimum, plan.total, tables, set(), False)
                assert leaks(facts, minimum, shown), (groups, minimum, grouping, key)


def test_wellbeing_is_shown_only_for_groups_of_enough_consenting_employees():
    facts = [
        *people(("A", "I1", 6), score=4),
        *people(("A", "I1", 1), score=2),
        *people(("B", "I2", 6), score=None),
        *people(("B", "I2", 2), score=3),
        *people(("C", "I3", 8), score=5),
    ]
    plan = plan_publication(FigureFrames(facts, []), N)
    # B has 2 consenting: hidden; hidden alone it would be the total minus A and C, so A (7) joins.
    assert plan.wellbeing_shown == {"C"}
    assert plan.wellbeing_total
    a = plan.tables["department"].groups["A"]
    assert (a.wellbeing_count, round(a.wellbeing_mean, 4)) == (7, round(26 / 7, 4))
    scores = [4] * 6 + [2]
    mean = sum(scores) / 7
    assert abs(a.wellbeing_std - (sum((s - mean) ** 2 for s in scores) / 6) ** 0.5) < 1e-9


def test_goals_are_counted_per_group_by_the_frames():
    facts = people(("A", "I1", 5))
    goals = [
        GoalFact("A", "I1", True, "done", False),
        GoalFact("A", "I1", False, "in_progress", True),
        GoalFact("B", "I2", True, "cancelled", False),  # an employee no longer in scope
    ]
    frames = FigureFrames(facts, goals)
    by = frames.by("department")
    assert (by["A"].goals, by["A"].agreed, by["A"].done, by["A"].in_progress, by["A"].goals_overdue) == (
        2,
        1,
        1,
        1,
        1,
    )
    assert (by["B"].employees, by["B"].goals, by["B"].cancelled) == (0, 1, 1)
    total = frames.total()
    assert (total.employees, total.held, total.goals, total.agreed) == (5, 5, 3, 2)
