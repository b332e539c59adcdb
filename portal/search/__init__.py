"""Global search (issue 15): tickets, assets, complaints and people (staff) in one box.

The portal owns it because it is the one app that may read every app; each kind is found
through its own app's scoped selector, so search never shows what the lists would not.
"""
