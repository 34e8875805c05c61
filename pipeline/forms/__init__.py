"""The forms' fields and keys, reading returned forms, and untrusted-file intake."""
