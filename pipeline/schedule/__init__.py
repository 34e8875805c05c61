"""`appraisal schedule`: proposing the meeting plan (SPEC §7; issue 14)."""
