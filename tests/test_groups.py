"""A step's jobs made where they are done: by index, group by group, in whichever process asks."""

from __future__ import annotations

import os

import pytest

from pipeline.store.batch import Job, parallel_map
from pipeline.store.groups import JobGroups


def job(name: str) -> Job:
    return Job(relative=name, kind="test", employee_id=name.split("/")[0], input_hash=name)


class Group:
    """Makes one employee's jobs, and counts (per process) how often it was asked."""

    def __init__(self, employee: str, size: int):
        self.employee, self.size, self.made = employee, size, 0

    def __call__(self) -> list[Job]:
        self.made += 1
        return [job(f"{self.employee}/{n}") for n in range(self.size)]


def groups_of(sizes: list[int]) -> tuple[JobGroups, list[Group]]:
    jobs, makers = JobGroups(), []
    for number, size in enumerate(sizes):
        makers.append(Group(f"e{number}", size))
        jobs.add(size, makers[-1])
    return jobs, makers


def test_jobs_are_found_by_index_across_groups_and_made_once_per_run():
    jobs, makers = groups_of([3, 1, 0, 3])
    jobs.extend([job("overview/0"), job("overview/1")])
    assert len(jobs) == 9
    assert [j.relative for j in jobs] == [
        "e0/0", "e0/1", "e0/2", "e1/0", "e3/0", "e3/1", "e3/2", "overview/0", "overview/1",
    ]  # fmt: skip
    assert [m.made for m in makers] == [1, 1, 0, 1]  # consecutive indices: each group made once
    assert jobs[-1].relative == "overview/1" and [j.relative for j in jobs[3:5]] == ["e1/0", "e3/0"]
    with pytest.raises(IndexError):
        jobs[9]


def test_nothing_is_made_until_asked():
    jobs, makers = groups_of([3, 3])
    assert len(jobs) == 6 and [m.made for m in makers] == [0, 0]
    assert jobs[4].relative == "e1/1"
    assert [m.made for m in makers] == [0, 1]


def test_a_group_that_makes_another_number_of_jobs_than_it_said_is_refused():
    jobs = JobGroups()
    jobs.add(3, Group("e0", 2))
    with pytest.raises(RuntimeError, match="a group of 3 jobs made 2"):
        jobs[0]


def test_workers_make_the_groups_they_do_and_the_parent_none():
    jobs, makers = groups_of([3] * 40 + [1] * 40)
    done = parallel_map(lambda i: (jobs[i].relative, os.getpid()), len(jobs), 2, chunk=7, at_least=1)
    assert [relative for relative, _ in done] == [j.relative for j in groups_of([3] * 40 + [1] * 40)[0]]
    assert {pid for _, pid in done} - {os.getpid()}, "done in the workers"
    assert all(m.made == 0 for m in makers)  # the parent made none of them


def test_a_file_left_as_it_was_comes_back_with_the_ledgers_own_entry(tmp_path):
    """Issue 16: a worker sent every unchanged file's entry back, and the ledger's save compared each
    copy with its own (30,000 when one meeting moved at 10,000). An entry that did not change stays the
    ledger's own object; one that did (new inputs, the same bytes) comes back as the worker made it."""
    from pipeline.store.batch import PARALLEL_FROM, run_jobs
    from pipeline.store.ledger import UNCHANGED, WRITTEN

    def built(name: str, hash_: str) -> Job:
        return Job(relative=name, kind="test", employee_id="e", input_hash=hash_, build=lambda: name.encode())

    names = [f"f{n}.txt" for n in range(PARALLEL_FROM + 4)]
    first = run_jobs(tmp_path, [built(n, "a") for n in names], {}, 2)
    assert {o.status for o in first} == {WRITTEN}
    entries = {o.path: o.entry for o in first}

    again = run_jobs(tmp_path, [built(n, "b" if n == "f0.txt" else "a") for n in names], entries, 2)

    assert [o.status for o in again] == [UNCHANGED] * len(names)
    assert all(o.entry is entries[o.path] for o in again[1:])  # not a copy: nothing for save to compare
    assert again[0].entry is not entries["f0.txt"] and again[0].entry.input_hash == "b"
