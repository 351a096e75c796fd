# shellcheck shell=bash
# `usage EXIT_CODE` for the bench scripts (sourced, not run): prints the running script's
# "# Usage: ..." header lines as "usage: ..." — to stdout when asked for (EXIT_CODE 0), to stderr
# after a bad argument — and exits with EXIT_CODE. A usage longer than one line runs through the
# header line that starts with "[$USAGE_UNTIL" (set by the sourcing script, e.g. USAGE_UNTIL=--rows).
usage() {
  local script=${BASH_SOURCE[-1]} text
  if [[ -n ${USAGE_UNTIL:-} ]]; then
    text=$(sed -n "/^# Usage: /,/^# *\\[${USAGE_UNTIL}/p" "$script" | sed 's/^# //; s/^Usage: /usage: /')
  else
    text=$(sed -n 's/^# Usage: /usage: /p' "$script")
  fi
  if (($1 == 0)); then echo "$text"; else echo "$text" >&2; fi
  exit "$1"
}
