# The deployment files (deploy/azure, deploy/prometheus) and the Azure benchmark driver script, checked without Azure:
#   deploy_setup_syntax    bash -n of setup.sh;
#   deploy_shellcheck      shellcheck of setup.sh, this suite's test script and every script in
#                          scripts/ and bench/;
#   deploy_lifecycle_policy the policy JSON against Azure's lifecycle rules and the design's days,
#                          plus a self-test that each known-bad mutation of it is refused;
#   deploy_setup_dry_run   setup.sh --dry-run prints the expected az commands (security flags, the
#                          two least-privilege roles), refuses bad settings, and against a fake
#                          `az` creates everything once and nothing twice;
#   deploy_prometheus_*    the alert rules (deploy/prometheus) through promtool.
# Plain commands, no build step. shellcheck and python3 come from scripts/setup.sh; a missing one
# fails its test with that message (never skipped).
set(NOISETT_DEPLOY_DIR ${PROJECT_SOURCE_DIR}/deploy/azure)

add_test(NAME deploy_setup_syntax COMMAND bash -n ${NOISETT_DEPLOY_DIR}/setup.sh)

find_program(NOISETT_SHELLCHECK shellcheck)
# Every script, found rather than listed, so a new one cannot be left out.
file(GLOB NOISETT_SHELL_SCRIPTS CONFIGURE_DEPENDS
  ${PROJECT_SOURCE_DIR}/scripts/*.sh ${PROJECT_SOURCE_DIR}/bench/*.sh)
if(NOISETT_SHELLCHECK)
  add_test(NAME deploy_shellcheck
    COMMAND ${NOISETT_SHELLCHECK} --external-sources
            ${NOISETT_DEPLOY_DIR}/setup.sh
            ${CMAKE_CURRENT_LIST_DIR}/setup_dry_run_test.sh
            ${CMAKE_CURRENT_LIST_DIR}/readme_walkthrough_test.sh
            ${NOISETT_SHELL_SCRIPTS})
else()
  add_test(NAME deploy_shellcheck
    COMMAND bash -c "echo 'shellcheck not found: apt-get install shellcheck (scripts/setup.sh)' >&2; exit 1")
endif()

find_program(NOISETT_PYTHON3 python3)
if(NOT NOISETT_PYTHON3)
  set(NOISETT_PYTHON3 python3)  # the test then fails saying python3 is missing
endif()
add_test(NAME deploy_lifecycle_policy
  COMMAND ${NOISETT_PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/check_policy.py
          ${NOISETT_DEPLOY_DIR}/blob-lifecycle-policy.json --self-test)

add_test(NAME deploy_setup_dry_run COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/setup_dry_run_test.sh)

# Prometheus alert rules (deploy/prometheus/alerts.yml): promtool's syntax and lint check, and
# its unit tests (alerts_test.yml: each alert fires over its threshold for its `for:` time and not
# just under it). promtool comes from the Debian package prometheus (scripts/setup.sh); missing,
# the tests fail saying so.
find_program(NOISETT_PROMTOOL promtool)
if(NOT NOISETT_PROMTOOL)
  set(NOISETT_PROMTOOL_MISSING
    bash -c "echo 'promtool not found: apt-get install prometheus (scripts/setup.sh)' >&2; exit 1")
  add_test(NAME deploy_prometheus_rules COMMAND ${NOISETT_PROMTOOL_MISSING})
  add_test(NAME deploy_prometheus_alerts_test COMMAND ${NOISETT_PROMTOOL_MISSING})
else()
  add_test(NAME deploy_prometheus_rules
    COMMAND ${NOISETT_PROMTOOL} check rules ${PROJECT_SOURCE_DIR}/deploy/prometheus/alerts.yml)
  add_test(NAME deploy_prometheus_alerts_test
    COMMAND ${NOISETT_PROMTOOL} test rules ${CMAKE_CURRENT_LIST_DIR}/alerts_test.yml)
endif()

set_tests_properties(deploy_setup_syntax deploy_shellcheck deploy_lifecycle_policy
  deploy_setup_dry_run deploy_prometheus_rules deploy_prometheus_alerts_test
  PROPERTIES LABELS deploy TIMEOUT 60)

# README.md's walkthrough, run as written against a real `noisett serve --auth dev` (only the
# address and the data directory differ): the docs' commands cannot drift from the program.
add_test(NAME readme_walkthrough
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/readme_walkthrough_test.sh ${PROJECT_SOURCE_DIR}
          $<TARGET_FILE:noisett>)
set_tests_properties(readme_walkthrough PROPERTIES LABELS docs TIMEOUT 120)
