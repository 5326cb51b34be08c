# Starts a service the way systemd would from its unit file, where there is no systemd (CI, network-namespace
# hosts): source it, then `unit_command UNIT_FILE [INSTANCE]` sets UNIT_ARGV to a command line that runs the unit's
# ExecStart as its User and Group, with its SupplementaryGroups, a clean environment of its Environment= and
# EnvironmentFile= settings, its AmbientCapabilities, CapabilityBoundingSet and NoNewPrivileges (setpriv).
# Drop-ins (UNIT.d/*.conf, and for an instance of a template also TEMPLATE@INSTANCE.service.d/) are read after
# the unit, in name order, as systemd does. ExecStart is split as systemd splits it (quotes), then %i, %n, ${VAR}
# and $$ are replaced; a bare $VAR word, a specifier other than those, or a directive that sets who the process runs
# as but is not listed here (DynamicUser, PAMName, ...) fail, so that a unit cannot silently run differently here.
# Sandboxing (ProtectSystem, PrivateTmp, ...) is not reproduced: it only takes away.

# The settings of [Service] of a unit and its drop-ins, as "KEY=VALUE" lines in the order systemd applies them.
unit_settings() {
  local file="$1" instance="$2" dir base d c
  dir="$(dirname "$file")"; base="$(basename "$file")"
  local dirs=("$dir/$base.d") confs
  [ -n "$instance" ] && dirs+=("$dir/${base%@.service}@$instance.service.d")
  confs="$(for d in "${dirs[@]}"; do for c in "$d"/*.conf; do [ -f "$c" ] && echo "$(basename "$c") $c"; done; done |
    sort -k1,1 | cut -d" " -f2-)"
  # shellcheck disable=SC2086
  awk '/^\[/ { service = ($0 == "[Service]") ; next } service && /^[A-Za-z]+=/ { print }' "$file" $confs
}

# Replaces %i (the instance), %n (the unit's name) and %% in a line; fails on any other specifier.
unit_specifiers() {
  local line="$1" instance="$2" name="$3" out="" c
  while [ -n "$line" ]; do
    c="${line:0:1}"
    if [ "$c" = "%" ]; then
      case "${line:1:1}" in
        i) out="$out$instance" ;;
        n) out="$out$name" ;;
        %) out="$out%" ;;
        *) echo "systemd-unit: specifier %${line:1:1} is not supported here" >&2; return 1 ;;
      esac
      line="${line:2}"
    else
      out="$out$c"; line="${line:1}"
    fi
  done
  printf '%s' "$out"
}

# One word of ExecStart with ${VAR} replaced from the unit's environment and $$ made $; a bare $VAR fails.
unit_expand_word() {
  local word="$1" out="" name
  while [ -n "$word" ]; do
    case "$word" in
      '$$'*) out="$out\$"; word="${word:2}" ;;
      '${'*)
        name="${word:2}"; name="${name%%\}*}"
        [[ "$name" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || { echo "systemd-unit: bad variable \${$name" >&2; return 1; }
        out="$out${UNIT_ENV[$name]:-}"; word="${word#*\}}" ;;
      '$'[A-Za-z_]*) echo "systemd-unit: write \${VAR} for '$word' (a bare \$VAR word is split by systemd)" >&2; return 1 ;;
      *) out="$out${word:0:1}"; word="${word:1}" ;;
    esac
  done
  printf '%s' "$out"
}

# Reads KEY=VALUE assignments (as Environment= and EnvironmentFile= hold them, quotes allowed) into UNIT_ENV.
unit_assignments() {
  local assignment
  while IFS= read -r -d '' assignment; do
    [ -n "$assignment" ] && UNIT_ENV["${assignment%%=*}"]="${assignment#*=}"
  done < <(printf '%s\n' "$1" | xargs printf '%s\0')
}

# Sets UNIT_ARGV (and UNIT_USER) for the unit file $1, instance $2 (for a template, sss@.service).
unit_command() {
  local file="$1" instance="${2:-}" name key value
  name="$(basename "$file")"; [ -n "$instance" ] && name="${name/@./@$instance.}"
  declare -gA UNIT_ENV=()
  local user=root group="" supplementary="" ambient="" bounding="" nnp=false exec_start=""
  while IFS= read -r line; do
    key="${line%%=*}"; value="${line#*=}"
    value="$(unit_specifiers "$value" "$instance" "$name")" || return 1
    case "$key" in
      User) user="$value" ;;
      Group) group="$value" ;;
      SupplementaryGroups) if [ -z "$value" ]; then supplementary=""; else supplementary="$supplementary $value"; fi ;;
      Environment) unit_assignments "$value" ;;
      EnvironmentFile)
        value="${value#-}"
        [ -f "$value" ] || { echo "systemd-unit: $name: EnvironmentFile $value is missing" >&2; return 1; }
        unit_assignments "$(grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$value")" ;;
      AmbientCapabilities) ambient="$ambient $value" ;;
      CapabilityBoundingSet) bounding="$bounding $value" ;;
      NoNewPrivileges) case "$value" in true|yes|1|on) nnp=true ;; *) nnp=false ;; esac ;;
      ExecStart) exec_start="$value" ;;
      DynamicUser|PAMName|RootDirectory|RootImage|SecureBits|UMask|WorkingDirectory|ExecStartPre|ExecStartPost|Capabilities)
        echo "systemd-unit: $name: $key is not reproduced here" >&2; return 1 ;;
    esac
  done < <(unit_settings "$file" "$instance")
  [ -n "$exec_start" ] || { echo "systemd-unit: $name has no ExecStart" >&2; return 1; }
  group="${group:-$(id -gn "$user")}"
  local groups caps="" argv=() word
  groups="$(id -Gn "$user" | tr ' ' '\n'; for g in $supplementary; do echo "$g"; done)"
  groups="$(echo "$groups" | grep -v -x -e "$group" -e '' | sort -u | paste -sd, -)"
  for c in $ambient; do c="${c#CAP_}"; caps="$caps,+${c,,}"; done
  UNIT_ARGV=(setpriv --reuid="$user" --regid="$group")
  if [ -n "$groups" ]; then UNIT_ARGV+=(--groups="$groups"); else UNIT_ARGV+=(--clear-groups); fi
  [ -n "$caps" ] && UNIT_ARGV+=(--inh-caps="-all$caps" --ambient-caps="${caps#,}")
  if [ -n "$bounding" ]; then
    local bset="-all"
    for c in $bounding; do c="${c#CAP_}"; bset="$bset,+${c,,}"; done
    UNIT_ARGV+=(--bounding-set="$bset")
  fi
  $nnp && UNIT_ARGV+=(--no-new-privs)
  # systemd's environment for a service: PATH, the account's HOME, USER, LOGNAME and SHELL, then the unit's.
  local home shell
  home="$(getent passwd "$user" | cut -d: -f6)"; shell="$(getent passwd "$user" | cut -d: -f7)"
  UNIT_ARGV+=(env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME="$home" USER="$user"
    LOGNAME="$user" SHELL="$shell" INVOCATION_ID=test)
  for key in "${!UNIT_ENV[@]}"; do UNIT_ARGV+=("$key=${UNIT_ENV[$key]}"); done
  # ExecStart: a leading -, @, +, ! or : prefix is not reproduced.
  [[ "$exec_start" =~ ^[-@+!:] ]] && { echo "systemd-unit: $name: ExecStart prefix ${exec_start:0:1} is not reproduced" >&2; return 1; }
  while IFS= read -r -d '' word; do
    argv+=("$(unit_expand_word "$word")") || return 1
  done < <(printf '%s\n' "$exec_start" | xargs printf '%s\0')
  UNIT_ARGV+=("${argv[@]}")
  UNIT_USER="$user"
}
