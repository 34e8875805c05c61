"""Step 5: the follow-up workbook (columns, reading people's edits, merge, sources) and the leadership summary."""
