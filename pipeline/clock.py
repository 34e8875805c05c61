"""Today's date, from one place.

Deadlines, "in the future" warnings and days overdue count from today. `APPRAISAL_TODAY=YYYY-MM-DD`
in the environment runs the tool as of that day: for reproducible runs (`make demo` runs the sample
round, which is set in 2027, as of a day after its meetings) and for tests. Time stamps of what was
done (the register's `collected_at`, the ledger's runs) stay real.
"""

from __future__ import annotations

import datetime as dt
import os

from pipeline.errors import AppraisalError

ENVIRONMENT = "APPRAISAL_TODAY"


def today(zone: dt.tzinfo | None = None) -> dt.date:
    """Today in `zone` (local time when None), or the day `APPRAISAL_TODAY` gives."""
    given = os.environ.get(ENVIRONMENT, "").strip()
    if given:
        try:
            return dt.date.fromisoformat(given)
        except ValueError:
            raise AppraisalError(f"{ENVIRONMENT}={given!r} is not a date; write it as 2027-02-01") from None
    return dt.datetime.now(zone).date() if zone is not None else dt.date.today()
