#!/usr/bin/env bash
# A newcomer's first ten minutes, as a test. A new ordinary user gets a fresh clone of this repository on a machine
# where MPICH's compiler cannot be found (mpicc* hidden in a private mount namespace) and runs, as typed, every
# command of the README's first two sections in order (the first is `bin/sss demo`, which builds the product without
# MPI and runs its shell fallback; `bin/sss test` is left out: it is what runs this test); then `bin/sss demo
# --keep`, `bin/sss status` and `bin/sss stop`. Then the docs are checked against the code: nothing points outside
# the repository, the README's package list, schemas and configuration reference match what exists. Needs root (to
# create the user and the mount namespace). Prints one line per check and "N passed, N failed".
set -uo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
WORK="$(mktemp -d /tmp/sss-newcomer.XXXXXX)"
chmod 755 "$WORK"
source "$ROOT/tests/lib.sh"
NEWBIE=sssqa-newbie
HOME_DIR="$WORK/home"
CLONE="$HOME_DIR/sss"
CREATED_USER=""

if [ "$(id -u)" -ne 0 ]; then
  echo "tests/newcomer.sh: needs root, to create the test user and hide mpicc in a mount namespace" >&2
  exit 1
fi

# as_newbie COMMAND: runs a command line as the new user, in a login environment, from the clone, in a mount
# namespace where no mpicc* exists: each directory of the system PATH that has one gets an overlay in which it is
# deleted (a fresh overlay each time: daemons started by an earlier call keep theirs).
as_newbie() {
  unshare --mount --propagation private bash -c '
    for dir in /usr/local/bin /usr/bin /bin; do
      [ -d "$dir" ] && [ ! -L "$dir" ] && compgen -G "$dir/mpicc*" >/dev/null || continue
      layer="$(mktemp -d "$0/overlay.XXXXXX")" && mkdir "$layer/upper" "$layer/work" &&
        mount -t overlay overlay -o "lowerdir=$dir,upperdir=$layer/upper,workdir=$layer/work" "$dir" &&
        rm -f "$dir"/mpicc* || exit 125
    done
    exec runuser -l "$1" -c "cd \"$2\" && $3"' "$WORK" "$NEWBIE" "$CLONE" "$1"
}

cleanup() {
  [ -d "$CLONE" ] && as_newbie "bin/sss stop" >/dev/null 2>&1
  [ -n "$CREATED_USER" ] && userdel "$CREATED_USER" >/dev/null 2>&1
  rm -rf "$WORK"
}
trap cleanup EXIT

if ! id "$NEWBIE" >/dev/null 2>&1; then
  useradd --home-dir "$HOME_DIR" --shell /bin/bash "$NEWBIE" && CREATED_USER="$NEWBIE"
fi
mkdir -p "$HOME_DIR"
git clone -q "$ROOT" "$CLONE"
# The user's Maven repository starts as a copy of this one's (the same artifacts it would download from Maven
# Central on its first build; a copy keeps the test off the network).
[ -d "$HOME/.m2" ] && cp -r "$HOME/.m2" "$HOME_DIR/.m2"
chown -R "$NEWBIE:" "$HOME_DIR"

check "the new user cannot find MPICH's compiler" \
  test -z "$(as_newbie "command -v mpicc.mpich; command -v mpicc; true")"

# The README's first two sections (up to the second "## " heading): their sh blocks, in order, as one script.
awk '/^## / { sections++ } sections >= 2 { exit } /^```sh$/ { code = 1; next } /^```$/ { code = 0; next } code' \
  "$CLONE/README.md" | grep -v '^bin/sss test\b' >"$WORK/readme.sh"
commands="$(grep -cvE '^\s*(#|$)' "$WORK/readme.sh")"
cp "$WORK/readme.sh" "$CLONE/.readme.sh" && chown "$NEWBIE" "$CLONE/.readme.sh"
as_newbie "PS4='+ README: ' bash -ex -o pipefail .readme.sh" >"$WORK/readme.log" 2>&1; status=$?
sed 's/^/  | /' "$WORK/readme.log"
if [ "$status" -ne 0 ]; then # the logs of what did not start (a failure seen once in CI and not since)
  for log in "$CLONE"/var/log/*.log; do
    [ -f "$log" ] && { echo "  | == $log"; tail -n 15 "$log" | sed 's/^/  | /'; }
  done
fi
check "the README's first two sections run as typed by a new user from a fresh clone ($commands lines): exit 0" \
  test "$status" -eq 0
check "bin/sss demo, the first command, built the product on a machine without mpicc" \
  grep -q "building the suite" "$WORK/readme.log"
check "... said in one line how to get the MPI version" \
  test "$(grep -c 'mpicc.mpich is missing.*apt-get install mpich' "$WORK/readme.log")" -eq 1
check "... and showed the fallback job's output: 4 ranks, one on each of node1..node4" \
  test "$(grep -oE 'hello from rank [0-3] of 4 on .* mpd=node[1-4]' "$WORK/readme.log" | sort -u | wc -l)" -eq 4
check "... exiting 0 (the job's status)" grep -q "job 1 completed, exit status 0" "$WORK/readme.log"
check "no stack trace and no Maven error anywhere" \
  test -z "$(grep -E '^\s+at [a-zA-Z_$.]+\(|Exception in thread|\[ERROR\]' "$WORK/readme.log")"
check "sss status showed the seven components and four mpds up" \
  test "$(grep -cE '^(service-directory|event-manager|process-manager|node-state-manager|queue-manager|scheduler|web|mpd node[1-4]) +up ' "$WORK/readme.log")" -eq 11
check "... and the dashboard's address" grep -q "^Dashboard: http://127.0.0.1:7780/$" "$WORK/readme.log"
out="$(cat "$CLONE"/hello.o* 2>/dev/null)"
check "the README's job ran its plain mpiexec on two nodes, as the user" \
  test "$(grep -cE '^[01]: node[1-4]$' <<<"$out")" -eq 2 -a "$(stat -c %U "$CLONE"/hello.o* 2>/dev/null)" = "$NEWBIE"
check "sss logs queue-manager printed the component's log" grep -q "queue-manager: job 1" "$WORK/readme.log"
check "sss stop stopped everything" test -z "$(ls "$CLONE/var/run/"*.pid 2>/dev/null)"

out="$(as_newbie "bin/sss demo --keep" 2>&1)"; status=$?
sed 's/^/  | /' <<<"$out"
check "bin/sss demo --keep: exit 0" test "$status" -eq 0
check "... it says the suite keeps running, where the dashboard is, how to submit and how to stop" \
  test -n "$(grep 'keeps running' <<<"$out")" -a -n "$(grep -E '^  dashboard +http://127.0.0.1:7780/' <<<"$out")" \
  -a -n "$(grep -E '^  submit +bin/sssjob submit' <<<"$out")" -a -n "$(grep -E '^  stop +bin/sss stop' <<<"$out")"
out="$(as_newbie "bin/sss status" 2>&1)"; status=$?
check "then bin/sss status: exit 0, every component and mpd up" \
  test "$status" -eq 0 -a "$(grep -cE ' up +[0-9]+ ' <<<"$out")" -eq 11
check "... the dashboard answers at the address it shows" \
  test "$(curl -s -o /dev/null -w '%{http_code}' "$(sed -n 's/^Dashboard: //p' <<<"$out")")" = 200
out="$(as_newbie "bin/sss stop" 2>&1)"; status=$?
check "bin/sss stop: exit 0, eleven processes stopped" test "$status" -eq 0 -a "$(grep -c ': stopped$' <<<"$out")" -eq 11
out="$(as_newbie "bin/sss status" 2>&1)"; status=$?
check "... after which bin/sss status says everything is down (exit 1)" \
  test "$status" -eq 1 -a "$(grep -c ' up ' <<<"$out")" -eq 0

# The docs against the code.
outside="$(cd "$ROOT" && grep -rnE '\.\./shared|open issues|\bissues? [0-9]+\b|[Ss]eed 00[0-9]' \
  README.md docs etc tests ./*/src/test/resources testkit/src/main/resources 2>/dev/null | grep -v '^tests/newcomer.sh:')"
check "nothing in README.md, docs/, etc/, tests/ or test resources points outside the repository" test -z "$outside"
[ -z "$outside" ] || echo "$outside" | sed 's/^/  | /'
help_packages="$("$ROOT/bin/sss" help | sed -n '/^  test /,/^  build /p' | sed -n '/when they are missing/,/^  build /p' \
  | sed '1d;$d' | tr -d ')' | xargs -n 1 | sort | xargs)"
readme_packages="$(grep '^| `bin/sss test`' "$ROOT/README.md" | sed -n 's/.*says how): `\([^`]*\)`.*/\1/p' | xargs -n 1 | sort | xargs)"
check "bin/sss help and the README name the same test packages ($help_packages)" \
  test -n "$help_packages" -a "$help_packages" = "$readme_packages"
missing_xsd=""
for xsd in "$ROOT"/schemas/*.xsd; do
  grep '^| `schemas/`' "$ROOT/README.md" | grep -q "\`$(basename "$xsd")\`" || missing_xsd="$missing_xsd $(basename "$xsd")"
done
check "the README's schemas row names every XSD${missing_xsd:+ (missing:$missing_xsd)}" test -z "$missing_xsd"
# Every attribute of the configuration reference, qualified by its element (a row's "@x" after "e/@y" is e/@x).
twice="$(sed -n '/^## Configuration reference/,/^## /p' "$ROOT/README.md" | grep '^| `' | cut -d'|' -f2 \
  | awk -F', ' '{ element = ""; for (i = 1; i <= NF; i++) { f = $i; gsub(/[ `]/, "", f)
      if (f ~ /\/@/) { element = f; sub(/@.*/, "", element) } else if (f ~ /^@/) { f = element f }
      print f } }' | sort | uniq -d)"
check "no attribute is documented twice in the configuration reference${twice:+ ($twice)}" test -z "$twice"
missing_tools=""
for tool in $(grep -oE '`bin/[a-z-]+' "$ROOT/README.md" | sed 's/`bin\///' | sort -u); do
  [ -x "$ROOT/bin/$tool" ] || missing_tools="$missing_tools $tool"
done
check "every bin/ program the README names exists${missing_tools:+ (missing:$missing_tools)}" test -z "$missing_tools"

summary "newcomer"
