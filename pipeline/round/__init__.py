"""The workbook in: its schema, values, reader, rules, report, starter and example company."""
