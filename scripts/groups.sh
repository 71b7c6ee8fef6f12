# Sourced by scripts/test.sh (after lib.sh): run_groups, the suite as pytest processes side
# by side. tests/test_groups_script.py runs it on small made-up groups.

# Groups that share nothing a test could see: each service test has its own database and
# its module its own vhost; the system tests run one system on the machine's servers, the
# modules of tests/own_system a system each on a private PostgreSQL, the reliability tests
# a system on private servers they stop and start. xdist's workers hang
# under eventlet's monkey patch; whole processes do not. Most of a service test's time is
# spent waiting (the broker, PostgreSQL, a timeout it proves), so more processes than cores
# still pay.
run_groups() {  # run_groups "name:paths" ... -- pytest arguments for every group
  local groups=() common=()
  while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do groups+=("$1"); shift; done
  [ "$#" -gt 0 ] && shift
  common=("$@")
  local logs started=$SECONDS status=0 pids=() i name result code
  logs="$(mktemp -d "${TMPDIR:-/tmp}/loupan-tests.XXXXXX")"
  say "running the tests in ${#groups[@]} processes: ${groups[*]%%:*} (logs in $logs)"
  for i in "${!groups[@]}"; do
    name="${groups[$i]%%:*}"
    # shellcheck disable=SC2086  # the paths are words
    python -m pytest -q --durations=15 "${common[@]}" ${groups[$i]#*:} > "$logs/$name.log" 2>&1 &
    pids+=("$!")
  done
  for i in "${!groups[@]}"; do
    name="${groups[$i]%%:*}"
    code=0; wait "${pids[$i]}" || code=$?
    if [ "$code" = 3 ]; then
      # Exit 3 is the watchdog's (loupan/testing/watchdog.py): the session made no progress
      # for 10 minutes and printed every stack. That is a hang, not a failing test: the group
      # runs once more, and says so loudly. A test that fails is never rerun.
      printf '\n!!!!! %s: HUNG (the watchdog ended it, exit 3); its stacks are in %s; RERUNNING IT ONCE !!!!!\n' \
        "$name" "$logs/$name.hung.log"
      mv "$logs/$name.log" "$logs/$name.hung.log"
      cat "$logs/$name.hung.log"
      printf '\n!!!!! %s: the rerun after the hang follows !!!!!\n' "$name"
      code=0
      # shellcheck disable=SC2086  # the paths are words
      python -m pytest -q --durations=15 "${common[@]}" ${groups[$i]#*:} > "$logs/$name.log" 2>&1 || code=$?
    fi
    if [ "$code" = 0 ]; then result=passed; else result="FAILED (exit $code)"; status=1; fi
    printf '\n===== %s: %s after %d s =====\n' "$name" "$result" $((SECONDS - started))
    cat "$logs/$name.log"
  done
  say "all groups done in $((SECONDS - started)) s: $([ $status -eq 0 ] && echo passed || echo FAILED)"
  return $status
}

