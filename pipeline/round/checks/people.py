"""Checks of the people in the Employees sheet: IDs, e-mail addresses (and HR's), managers and their chains."""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email

from pipeline.model import ERROR, WARNING, Employee, Problem, phrase
from pipeline.round.checks.context import Context, describe
from pipeline.round.values import id_key


def check_employee_ids(ctx: Context) -> None:
    """Duplicate IDs, and IDs that differ only by leading zeros (`00123` vs `123`)."""
    first_by_key: dict[str, Employee] = {}
    for employee in ctx.round.employees:
        if not employee.id:
            continue
        key = id_key(employee.id)
        first = first_by_key.get(key)
        if first is None:
            first_by_key[key] = employee
        elif first.id == employee.id:
            ctx.add(
                ERROR,
                "employees",
                "id",
                employee.row,
                "duplicate-id",
                f"Employee ID {employee.id} is used again (first on row {first.row}); each person needs "
                "their own ID.",
                phrase("duplicate-id", id=employee.id, row=first.row),
            )
        else:
            ctx.add(
                ERROR,
                "employees",
                "id",
                employee.row,
                "id-collision",
                f"Employee ID {employee.id} and {first.id} (row {first.row}) differ only by leading zeros; "
                "IDs are text, so make them the same person's ID or clearly different.",
                phrase("id-collision", id=employee.id, other=first.id, row=first.row),
            )


_PLAIN_EMAIL = re.compile(
    r"[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+([A-Za-z]{2,63})"
)
_SPECIAL_USE_TLDS = {"arpa", "invalid", "local", "localhost", "onion", "test"}


def plainly_valid_email(address: str) -> bool:
    """True for the everyday address (`ola.nordmann@firma.no`) that email-validator would accept too: a
    fast path, so 10,000 addresses are not each parsed in full. Anything unusual goes to email-validator."""
    match = _PLAIN_EMAIL.fullmatch(address)
    return bool(
        match
        and len(address) <= 254
        and address.index("@") <= 64
        and "--" not in address.partition("@")[2]
        and match[1].casefold() not in _SPECIAL_USE_TLDS
    )


def check_emails(ctx: Context) -> None:
    """Each e-mail valid and used by one person only."""
    seen: dict[str, Employee] = {}
    for employee in ctx.round.employees:
        if not employee.email:
            continue
        try:
            if not plainly_valid_email(employee.email):
                validate_email(employee.email, check_deliverability=False)
        except EmailNotValidError as exc:
            ctx.add(
                ERROR,
                "employees",
                "email",
                employee.row,
                "invalid-email",
                f'"{employee.email}" is not a valid e-mail address: {exc}',
                phrase("invalid-email", email=employee.email, reason=str(exc)),
            )
            continue
        key = employee.email.casefold()
        if key in seen:
            ctx.add(
                ERROR,
                "employees",
                "email",
                employee.row,
                "duplicate-email",
                f"{employee.email} is also the e-mail of {describe(seen[key], seen[key].id)} "
                f"(row {seen[key].row}); each person needs their own address.",
                phrase(
                    "duplicate-email",
                    email=employee.email,
                    other=describe(seen[key], seen[key].id),
                    row=seen[key].row,
                ),
            )
        else:
            seen[key] = employee
    hr_email = ctx.round.settings.hr_contact_email
    if hr_email:
        try:
            validate_email(hr_email, check_deliverability=False)
        except EmailNotValidError as exc:
            row = ctx.round.settings.rows.get("hr_contact_email")
            ctx.add_problem(
                Problem(
                    ERROR,
                    ctx.sheet_name("round"),
                    f"B{row}" if row else None,
                    "hr_contact_email",
                    "invalid-email",
                    f'"{hr_email}" is not a valid e-mail address: {exc}',
                    phrase=phrase("invalid-email", email=hr_email, reason=str(exc)),
                )
            )


def check_managers(ctx: Context) -> None:
    """Each manager exists, is not the employee, is active; no chain loops back on itself."""
    for employee in ctx.round.employees:
        manager_id = employee.manager_id
        if not manager_id or not employee.id:
            continue
        if manager_id == employee.id:
            ctx.add(
                ERROR,
                "employees",
                "manager_id",
                employee.row,
                "self-manager",
                f"{describe(employee, employee.id)} is set as their own manager; enter the manager's ID.",
                phrase("self-manager", who=describe(employee, employee.id)),
            )
            continue
        manager = ctx.by_id.get(manager_id)
        if manager is None:
            hint, said = ctx.suggest(manager_id)
            sheet = ctx.sheet_name("employees")
            ctx.add(
                ERROR,
                "employees",
                "manager_id",
                employee.row,
                "unknown-manager",
                f"Manager ID {manager_id} is not in {sheet}{hint}",
                phrase("unknown-manager", id=manager_id, sheet=sheet, hint=said),
            )
        elif employee.active and manager.status == "left":
            ctx.add(
                ERROR,
                "employees",
                "manager_id",
                employee.row,
                "manager-not-active",
                f"Manager {describe(manager, manager_id)} has left; enter the new manager's ID.",
                phrase("manager-not-active", who=describe(manager, manager_id)),
            )
        elif employee.active and manager.status == "on_leave":
            ctx.add(
                WARNING,
                "employees",
                "manager_id",
                employee.row,
                "manager-not-active",
                f"Manager {describe(manager, manager_id)} is on leave; name another interviewer in "
                f"{ctx.sheet_name('schedule')} if the meeting is to go ahead.",
                phrase(
                    "manager-on-leave", who=describe(manager, manager_id), sheet=ctx.sheet_name("schedule")
                ),
            )
    _check_manager_cycles(ctx)


def _check_manager_cycles(ctx: Context) -> None:
    manager_of = {e.id: e.manager_id for e in ctx.round.employees if e.id and e.manager_id in ctx.by_id}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for start in manager_of:
        if state.get(start):
            continue
        path: list[str] = []
        node = start
        while node in manager_of and not state.get(node):
            state[node] = 1
            path.append(node)
            node = manager_of[node]
        if state.get(node) == 1 and node in path:
            cycle = path[path.index(node) :]
            chain = " → ".join([*cycle, node])
            for member in cycle:
                if manager_of[member] == member:
                    continue  # reported as self-manager
                employee = ctx.by_id[member]
                ctx.add(
                    ERROR,
                    "employees",
                    "manager_id",
                    employee.row,
                    "manager-cycle",
                    f"The manager chain loops: {chain}; someone in it must report to a person outside it.",
                    phrase("manager-cycle", chain=chain),
                )
        for member in path:
            state[member] = 2
