# The gallery (web/) in a real browser: tests/web/gallery.test.mjs drives Debian's chromium
# (/usr/bin/chromium) with npm's playwright-core against a real `noisett serve --auth dev` on
# loopback (sign-in, generate, favorites, delete + undo, keyboard, phone width, a second user,
# an expired session). Needs `apt-get install chromium` and `npm ci` (scripts/setup.sh); a missing
# one fails the test with that message (never skipped). Screenshots go to web-screenshots/ in
# the build's tests/ directory.
find_program(NOISETT_WEB_NODE node)
if(NOT NOISETT_WEB_NODE)
  set(NOISETT_WEB_NODE node)  # the test then fails saying node is missing
endif()
add_test(NAME web_gallery
  COMMAND ${NOISETT_WEB_NODE} ${CMAKE_CURRENT_SOURCE_DIR}/web/gallery.test.mjs)
set_tests_properties(web_gallery PROPERTIES
  ENVIRONMENT "NOISETT_BIN=$<TARGET_FILE:noisett>;NOISETT_WEB_SCREENSHOTS=${CMAKE_CURRENT_BINARY_DIR}/web-screenshots"
  TIMEOUT 150
  LABELS "web;browser")

# The gallery's ThumbHash decoder (web/js/thumbhash.js) against npm `thumbhash`, in node.
add_test(NAME web_thumbhash
  COMMAND ${NOISETT_WEB_NODE} ${CMAKE_CURRENT_SOURCE_DIR}/web/thumbhash.test.mjs)
set_tests_properties(web_thumbhash PROPERTIES TIMEOUT 60 LABELS "web")

# CORS from a page on another loopback origin (tests/web/cors.test.mjs): a listed origin calls
# the API with a bearer token and reads a signed link's pixels from a canvas; an unlisted one
# cannot.
add_test(NAME web_cors
  COMMAND ${NOISETT_WEB_NODE} ${CMAKE_CURRENT_SOURCE_DIR}/web/cors.test.mjs)
set_tests_properties(web_cors PROPERTIES
  ENVIRONMENT "NOISETT_BIN=$<TARGET_FILE:noisett>"
  TIMEOUT 60
  LABELS "web;browser")
