"""A step's jobs, made where they are done (issue 16).

Making a job costs more than its place in a list: the records its hash is taken from, the hash itself,
its properties and title. The parent made every job of a step before the first worker started, one
core working while the others waited: 1.3 s of a 10,000 round's forms, 1.0 s of its invitations.
`JobGroups` holds, instead, one maker per group of jobs (an employee's three forms, a letter and its
calendar) and the size of each group. The parent knows how many jobs there are at once; each job is
made by the process that does it, when it is asked for by index. A worker does a run of consecutive
indices, so a group is made once in nearly every case, and its three forms still share one context.
A group that is made twice (split between two workers' runs) is made the same twice: a maker is a pure
function of what the parent planned.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, overload

if TYPE_CHECKING:
    from pipeline.store.batch import Job


class JobGroups(Sequence["Job"]):
    """Jobs by index, each group made by its maker when one of its jobs is first asked for."""

    def __init__(self) -> None:
        self._starts: list[int] = []  # index of each group's first job
        self._makers: list[Callable[[], Sequence[Job]]] = []
        self._sizes: list[int] = []
        self._count = 0
        self._made: tuple[int, Sequence[Job]] | None = None  # the group this process made last

    def add(self, size: int, make: Callable[[], Sequence[Job]]) -> None:
        """A group of `size` jobs, made by `make()` when asked for (`size` 0: nothing)."""
        if size <= 0:
            return
        self._starts.append(self._count)
        self._makers.append(make)
        self._sizes.append(size)
        self._count += size

    def extend(self, jobs: Sequence[Job]) -> None:
        """Jobs already made, one group each."""
        for job in jobs:
            self.add(1, _made(job))

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> Job: ...

    @overload
    def __getitem__(self, index: slice) -> list[Job]: ...

    def __getitem__(self, index: int | slice) -> Job | list[Job]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._count))]
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError(index)
        group = bisect.bisect_right(self._starts, index) - 1
        made = self._made
        if made is None or made[0] != group:
            jobs = self._makers[group]()
            if len(jobs) != self._sizes[group]:
                raise RuntimeError(f"a group of {self._sizes[group]} jobs made {len(jobs)}")
            self._made = made = (group, jobs)
        return made[1][index - self._starts[group]]

    def __iter__(self) -> Iterator[Job]:
        for index in range(self._count):
            yield self[index]


def _made(job: Job) -> Callable[[], Sequence[Job]]:
    return lambda: (job,)
