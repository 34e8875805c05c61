"""`appraisal schedule`'s greedy placement alone against greedy then OR-Tools CP-SAT (`solver.py`).

Over-full rounds are made at random (managers sharing a few rooms, free only at the times their
Availability rows give, at most a few meetings a day), and each is placed both ways under the same rules:
greedily only (`place_meetings(..., solve=False)`), and as `appraisal schedule` does, greedily and then,
since someone is left out, by the CP-SAT model that places the most. It prints, per round, how many each
placed and how long each took, then the totals.

    python scripts/compare_solver.py [--rounds 20] [--seed 1]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time

from pipeline.model import Availability, Employee, Meeting, Round, Settings
from pipeline.schedule.placing import place_meetings, working_days

PERIOD = (dt.date(2027, 1, 18), dt.date(2027, 1, 22))  # one working week


def over_full_round(rng: random.Random) -> Round:
    """Managers with more employees than their free times hold, sharing two or three rooms."""
    managers = rng.randint(4, 8)
    rooms = [f"Rom {chr(65 + i)}" for i in range(rng.randint(2, 3))]
    people = [Employee(1, "1", "Dag", "Leder", "dag@x.no", "Ledelse")]
    meetings, availability = [], []
    days = working_days(*PERIOD)
    for m in range(managers):
        manager = f"{100 + m}"
        people.append(Employee(1, manager, "Leder", manager, f"{manager}@x.no", "Avd", manager_id="1"))
        # the manager's usual room: the one their meeting (before the period) was in
        meetings.append(Meeting(1, manager, dt.date(2027, 1, 11), dt.time(9), 60, rng.choice(rooms), "1"))
        for day in rng.sample(days, rng.randint(1, 3)):
            start = rng.choice([8, 9, 10, 12, 13])
            availability.append(
                Availability(1, manager, day, dt.time(start), dt.time(min(16, start + rng.randint(2, 4))))
            )
        for e in range(rng.randint(5, 10)):
            identifier = f"{manager}{e:02d}"
            people.append(
                Employee(1, identifier, "Ansatt", identifier, f"{identifier}@x.no", "Avd", manager_id=manager)
            )
    settings = Settings(
        round_id="X",
        period_start=PERIOD[0],
        period_end=PERIOD[1],
        invitation_date=dt.date(2026, 12, 1),
        schedule_max_per_day=rng.choice([2, 3, 4]),
        schedule_buffer_minutes=rng.choice([0, 15]),
    )
    return Round("x.xlsx", settings, tuple(people), tuple(meetings), (), {}, tuple(availability))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    print(f"{'round':>5} {'to place':>9} {'greedy':>7} {'greedy s':>9} {'+CP-SAT':>8} {'+CP-SAT s':>10}")
    totals = [0, 0, 0]
    for number in range(1, args.rounds + 1):
        round_ = over_full_round(rng)
        started = time.perf_counter()
        plan = place_meetings(round_, dt.date(2026, 12, 1), solve=False)
        greedy_s = time.perf_counter() - started
        started = time.perf_counter()
        best = len(place_meetings(round_, dt.date(2026, 12, 1)).placed)
        best_s = time.perf_counter() - started
        waiting = len(plan.placed) + len(plan.unplaced)
        totals = [totals[0] + waiting, totals[1] + len(plan.placed), totals[2] + best]
        print(f"{number:>5} {waiting:>9} {len(plan.placed):>7} {greedy_s:>9.3f} {best:>8} {best_s:>10.2f}")
    print(
        f"\nIn all: {totals[0]} to place; greedy placed {totals[1]}, CP-SAT {totals[2]} "
        f"({totals[2] - totals[1]} more, {100 * (totals[2] - totals[1]) / max(1, totals[2]):.1f}%)."
    )


if __name__ == "__main__":
    main()
