"""The e-mail channel's services: processing a received message (intake), the desk's
decisions (desk) and polling the mailboxes (poll)."""
