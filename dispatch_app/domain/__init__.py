"""Pure rules of DOMAIN.md: no Qt, no SQL, no I/O, no clock."""
