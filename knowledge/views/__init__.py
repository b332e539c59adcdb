"""Knowledge views, one module per sub-domain (articles, problems, changes, notices)."""
