"""System checks: configuration mistakes reported at start-up with an id and a hint."""
