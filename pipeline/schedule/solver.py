"""The most meetings that can be placed, by OR-Tools CP-SAT, for a round the greedy way leaves people
out of (`placing.py`).

Greedy placement takes managers one by one, each at their best times; where managers share a room, or
a manager is also someone's employee, an earlier manager's choice can take the only time a later one
had. `scripts/compare_solver.py` measures it: on 20 over-full rounds at random, greedy placed 446 of 895
and CP-SAT 455 (2% more, in 6 of the 20). So when the greedy plan leaves anyone out, this model of the
same rules is solved: each candidate time of each employee a yes/no; one time per employee; no two
meetings of a person (with the manager's buffer) and no two in a room at once; the most a day per
manager. It maximises the number placed, then prefers early days and starts near the preferred time.
One worker and a deterministic time limit: the same round gives the same plan on any machine. A round
with more than MOST_CANDIDATES candidate times keeps its greedy plan.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from ortools.sat.python import cp_model

from pipeline.model import Employee, Round
from pipeline.schedule.placing import STEP, BusyTimes, Placed, Placer, room_key

MOST_CANDIDATES = 200_000  # yes/no variables: beyond this the model is too large to solve in seconds
WORK_LIMIT = 20.0  # CP-SAT's deterministic time, about seconds on this machine


def place_most(
    round_: Round,
    days: list[dt.date],
    busy: BusyTimes | None,
    waiting: dict[str, list[Employee]],
    greedy: dict[str, Placed | None],
) -> dict[str, Placed | None] | None:
    """A plan placing more than `greedy` does, by employee ID; None when there is none (or the round is
    too large to solve)."""
    placer = Placer(round_, days, busy)
    model = cp_model.CpModel()
    options: dict[str, list[tuple[object, Placed]]] = defaultdict(list)
    occupying: dict[tuple[str, dt.date, int], list] = defaultdict(list)
    held: dict[tuple[str, dt.date], list] = defaultdict(list)
    preferred = placer.starts[0] if placer.starts else 0
    people = sum(len(employees) for employees in waiting.values()) + 1
    # one more person placed outweighs any day or time, an earlier day or nearer time any tie-break;
    # between equals, the employee first in ID order is placed
    worth = (64 * (len(days) + 1)) * people
    objective = []
    count = 0
    ranked = [(manager, employee) for manager in sorted(waiting) for employee in waiting[manager]]
    day_number = {day: number for number, day in enumerate(days)}
    for rank, (manager, employee) in enumerate(ranked):
        for meeting in placer.candidates(employee.id, manager, placer.in_order):
            count += 1
            if count > MOST_CANDIDATES:
                return None
            chosen = model.NewBoolVar(f"m{count}")
            options[employee.id].append((chosen, meeting))
            start = meeting.start.hour * 60 + meeting.start.minute
            end = start + meeting.minutes
            for t in range(start, end + placer.buffer, STEP):  # the manager, the buffer after
                occupying[(manager, meeting.day, t)].append(chosen)
            for t in range(start, end, STEP):  # the employee, who may hold meetings too
                occupying[(employee.id, meeting.day, t)].append(chosen)
            room = room_key(meeting.location, round_.settings.default_location)
            for t in range(start, end, STEP) if room else ():
                occupying[(room, meeting.day, t)].append(chosen)
            held[(manager, meeting.day)].append(chosen)
            cost = (64 * day_number[meeting.day] + min(63, abs(start - preferred) // STEP)) * people + rank
            objective.append(chosen * (worth - cost))
            model.AddHint(chosen, greedy.get(employee.id) == meeting)
    for choices in options.values():
        model.AddAtMostOne(choice for choice, _ in choices)
    for variables in occupying.values():
        if len(variables) > 1:
            model.AddAtMostOne(dict.fromkeys(variables))
    for (manager, day), variables in held.items():
        if placer.most:
            model.Add(sum(variables) <= placer.most - placer.held[(manager, day)])
    model.Maximize(sum(objective))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = WORK_LIMIT
    solver.parameters.random_seed = 1
    if solver.Solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    plan: dict[str, Placed | None] = dict.fromkeys(greedy)
    for employee_id, choices in options.items():
        plan[employee_id] = next((meeting for choice, meeting in choices if solver.Value(choice)), None)
    placed = sum(meeting is not None for meeting in plan.values())
    return plan if placed > sum(meeting is not None for meeting in greedy.values()) else None
