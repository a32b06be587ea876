"""Demo data: filled in by its domain."""


def seed() -> bool:
    return False
