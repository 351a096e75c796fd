# owned by the integration-test helper
