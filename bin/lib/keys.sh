# bin/sss keys init|show: the key files of one host, made where missing and given the owner and mode that let
# exactly the components that read them do so. Sourced by bin/sss after common.sh.
#
# What a configuration names (sss-status --key-files) and who reads it:
#   <security> keys (suite, admin)  every component, all running as sss  -> sss:sss 0600
#   <web viewer-key>                the dashboard                        -> root:sss-viewer 0640 (its unit's group)
#   <ring secret> (mpd.conf)        process manager, node state manager,
#                                   dashboard, as the host runs them      -> root:sss-ring 0640 (their units' group)
#                                   no component of this host             -> root:root 0600
# A compute host (--compute) has only the mpd's secret, SSS_MPD_SECRET of /etc/default/sss-mpd: root:root 0600.
# The keys must be the same on every host: make them on one (the head), copy the files to the others, run
# `sss keys init` there too (it makes only what is missing, and says so) and compare `sss keys show`'s fingerprints.

KEYS_MPD_DEFAULTS=/etc/default/sss-mpd

# One "KIND FILE OWNER GROUP MODE" line per key file of this host.
keys_plan() {
  local compute="$1" line kind file readers secret
  if $compute; then
    secret="$(sed -n 's/^SSS_MPD_SECRET=//p' "$KEYS_MPD_DEFAULTS" 2>/dev/null | tail -n 1)"
    [ -n "$secret" ] || sss_die "keys: $KEYS_MPD_DEFAULTS names no SSS_MPD_SECRET"
    echo "ring-secret $secret root root 0600"
    return
  fi
  local plan
  # shellcheck disable=SC2046
  plan="$($(sss_command sss-status) --config "$CONFIG" --key-files)" || sss_die "keys: cannot read $CONFIG"
  while read -r kind file readers; do
    case "$kind" in
      key) echo "key ${readers##* } sss sss 0600" ;;
      viewer-key) echo "viewer-key $file root sss-viewer 0640" ;;
      ring-secret)
        if [ -n "$readers" ]; then echo "ring-secret $file root sss-ring 0640"; else echo "ring-secret $file root root 0600"; fi ;;
    esac
  done <<<"$plan"
}

# Writes a new key (32 random bytes, hex) or ring secret (MPD_SECRETWORD=...) to FILE, readable by no one yet.
keys_make() {
  local kind="$1" file="$2"
  (
    umask 077
    if [ "$kind" = ring-secret ]; then
      echo "MPD_SECRETWORD=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')" >"$file"
    else
      od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$file" && echo >>"$file"
    fi
  )
}

# A key's fingerprint: the first 16 hex digits of its SHA-256, to compare hosts' copies without showing the key.
keys_fingerprint() {
  sha256sum "$1" | cut -c1-16
}

cmd_keys() {
  local action="${1:-}" compute=false
  [ $# -gt 0 ] && shift
  while [ $# -gt 0 ]; do
    case "$1" in
      --compute) compute=true; shift ;;
      --config|-c) parse_config_option "$1" "${2:-}"; shift; [ $# -gt 0 ] && shift ;;
      *) SSS_DIE_STATUS=2 sss_die "keys: unknown argument '$1' (sss keys init|show [--config FILE | --compute])" ;;
    esac
  done
  $compute || [ -f "$CONFIG" ] || SSS_DIE_STATUS=2 sss_die "keys: configuration $CONFIG does not exist"
  $compute || { sss_find_java; sss_ensure_built; }
  case "$action" in
    init) keys_init "$compute" ;;
    show) keys_show "$compute" ;;
    *) SSS_DIE_STATUS=2 sss_die "keys: init or show (sss keys init|show [--config FILE | --compute])" ;;
  esac
}

keys_init() {
  local plan kind file owner group mode dir root=false
  plan="$(keys_plan "$1")"
  [ "$(id -u)" -eq 0 ] && root=true
  if $root; then
    for group in $(awk '{print $4}' <<<"$plan" | sort -u); do
      getent group "$group" >/dev/null || sss_die "keys: no group $group on this host (the sss package makes it)"
    done
  fi
  while read -r kind file owner group mode; do
    dir="$(dirname "$file")"
    if [ ! -d "$dir" ]; then
      mkdir -p "$dir"
      # The account sss passes through the directory to its keys; nobody else may list it.
      if $root && getent group sss >/dev/null; then chown root:sss "$dir" && chmod 0750 "$dir"; else chmod 0700 "$dir"; fi
    fi
    if [ ! -e "$file" ]; then
      keys_make "$kind" "$file"
      echo "sss keys: made $kind $file"
    fi
    if $root; then
      chown "$owner:$group" "$file"
      chmod "$mode" "$file"
    else
      chmod 0600 "$file"
      echo "sss keys: not root: $file stays yours, mode 0600 (a cluster's is $owner:$group $mode)"
    fi
  done <<<"$plan"
  keys_show "$1"
}

# One line per key file: kind, path, owner:group, mode, fingerprint, and whether it is as keys init leaves it;
# exit 1 when one is missing or placed otherwise.
keys_show() {
  local plan kind file owner group mode actual wrong=0
  plan="$(keys_plan "$1")"
  printf '%-12s %-34s %-18s %-5s %-17s %s\n' KIND FILE OWNER MODE FINGERPRINT STATE
  while read -r kind file owner group mode; do
    if [ ! -f "$file" ]; then
      printf '%-12s %-34s %-18s %-5s %-17s %s\n' "$kind" "$file" - - - "missing (sss keys init)"
      wrong=1
      continue
    fi
    actual="$(stat -c '%U:%G %a' "$file")"
    local state=ok
    if [ "$actual" != "$owner:$group ${mode#0}" ]; then
      state="should be $owner:$group $mode"
      [ "$(id -u)" -eq 0 ] && wrong=1
    fi
    printf '%-12s %-34s %-18s %-5s %-17s %s\n' "$kind" "$file" "${actual% *}" "${actual#* }" \
      "$(keys_fingerprint "$file")" "$state"
  done <<<"$plan"
  return "$wrong"
}
