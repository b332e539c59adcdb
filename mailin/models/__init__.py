"""E-mail channel models: mailboxes and the messages received."""
