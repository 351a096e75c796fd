# owned by the unit-test helper
