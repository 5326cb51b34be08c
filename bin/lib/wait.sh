# The scripts' one polling loop (bin/, tests/, bench/). Source it; bin/lib/common.sh and tests/lib.sh do.

# wait_until SECONDS CONDITION: evaluates CONDITION, a command line quoted so that it is expanded afresh at each try
# (e.g. '[ "$(count)" -eq 4 ]'), every 0.1 s until it succeeds or SECONDS (a whole number) have passed; false when it
# never succeeded. CONDITION sees the caller's variables (not its positional parameters: copy them to locals), and may
# exit the script.
wait_until() {
  local _wait_tries=$(($1 * 10))
  while [ "$_wait_tries" -gt 0 ]; do
    eval "$2" && return 0
    _wait_tries=$((_wait_tries - 1))
    sleep 0.1
  done
  return 1
}
