# Lifecycle policy: parsing and checking Azure's management-policy JSON, evaluating it against
# blob properties at a given instant, and the policy generated from retention by subscription
# tier (which must equal the shipped deploy/azure/blob-lifecycle-policy.json byte for byte).
noisett_add_test_binary(noisett_lifecycle_policy_test
  lifecycle/policy_parse_test.cc
  lifecycle/evaluate_test.cc
  lifecycle/retention_test.cc)
target_link_libraries(noisett_lifecycle_policy_test PRIVATE noisett_lifecycle)
target_compile_definitions(noisett_lifecycle_policy_test PRIVATE
  NOISETT_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
