"""E-mail: messages written as files into the round's outbox first, then sent over SMTP (`send`)."""
