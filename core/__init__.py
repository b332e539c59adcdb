"""The shared kernel: what every app may use and what imports no app of ours (DESIGN.md)."""
