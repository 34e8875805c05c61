"""Retention (SPEC §7 `purge`): removing a round's folder and state, and personnel copies past due."""
