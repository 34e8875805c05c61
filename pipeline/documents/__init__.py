"""Steps 1-3: who gets which document, their contexts, invitations, calendar files and forms."""
