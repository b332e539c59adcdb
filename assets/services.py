"""Changes to the asset register: one function per change, one transaction each."""
