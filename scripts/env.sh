# Shared shell helpers: locate the cache, find Python 3.10, create the pinned environments.
# Sourced by scripts/bot, scripts/setup and .ci/run; defines functions and variables only.

KINDRED_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KINDRED_CACHE_DIR="${KINDRED_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kindred-desk}"
export KINDRED_CACHE_DIR

log() { printf '[kindred] %s\n' "$*" >&2; }

hash_files() { cat "$@" | sha256sum | cut -c1-16; }

# Prints the path of a Python 3.10 interpreter, or explains what to do and fails.
find_python310() {
  local candidates=() c
  [ -n "${KINDRED_PYTHON:-}" ] && candidates+=("$KINDRED_PYTHON")
  command -v python3.10 >/dev/null 2>&1 && candidates+=("$(command -v python3.10)")
  if command -v pyenv >/dev/null 2>&1; then
    for c in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.|$)' | sort -rV); do
      candidates+=("$(pyenv root)/versions/$c/bin/python")
    done
  fi
  for c in "$HOME"/.pyenv/versions/3.10.*/bin/python /root/.pyenv/versions/3.10.*/bin/python \
           /usr/local/bin/python3.10 /usr/bin/python3.10; do
    [ -x "$c" ] && candidates+=("$c")
  done
  for c in "${candidates[@]}"; do
    if [ -x "$c" ] && "$c" -c 'import sys, venv; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then
      echo "$c"
      return 0
    fi
  done
  cat >&2 <<'MSG'
[kindred] Rasa 3.6 needs Python 3.10, and none was found (looked at $KINDRED_PYTHON, python3.10 on PATH,
[kindred] pyenv versions and ~/.pyenv/versions/3.10.*). Install one, then run the command again:
[kindred]   pyenv install 3.10.13          (with pyenv), or
[kindred]   apt-get install python3.10 python3.10-venv   (Debian/Ubuntu with 3.10 packages), or
[kindred]   set KINDRED_PYTHON=/path/to/python3.10
MSG
  return 1
}

# Creates (once) the environment NAME from requirements/NAME.lock with the interpreter PY, prints its folder.
# The folder is named by the hash of the lock, so a changed lock gets a fresh environment.
pinned_env() {
  local name="$1" py="$2" what="$3" key env
  key="$(hash_files "$KINDRED_ROOT/requirements/$name.lock")"
  env="$KINDRED_CACHE_DIR/envs/$name-$key"
  if [ ! -f "$env/.complete" ]; then
    log "creating the $what environment in $env (pinned; takes a few minutes once)"
    rm -rf "$env"
    "$py" -m venv "$env" || return 1
    "$env/bin/python" -m pip install --quiet --no-deps --no-warn-script-location \
        -r "$KINDRED_ROOT/requirements/$name.lock" >"$env.install.log" 2>&1 \
      || { log "installing failed; see $env.install.log"; tail -20 "$env.install.log" >&2; return 1; }
    touch "$env/.complete"
  fi
  echo "$env"
}

# The assistant's environment (Python 3.10, Rasa 3.6).
rasa_env() {
  local py
  py="$(find_python310)" || return 1
  pinned_env rasa "$py" "assistant (Python 3.10)"
}

# Prints a Python >= 3.11 for the handoff service (current aiohttp/websockets/redis), or explains and fails.
find_python311() {
  local candidates=() c
  [ -n "${HANDOFF_PYTHON:-}" ] && candidates+=("$HANDOFF_PYTHON")
  for c in python3 python3.13 python3.12 python3.11; do
    command -v "$c" >/dev/null 2>&1 && candidates+=("$(command -v "$c")")
  done
  for c in "$HOME"/.pyenv/versions/3.1[1-9].*/bin/python /root/.pyenv/versions/3.1[1-9].*/bin/python; do
    [ -x "$c" ] && candidates+=("$c")
  done
  for c in "${candidates[@]}"; do
    if [ -x "$c" ] && "$c" -c 'import sys, venv; sys.exit(sys.version_info[:2] < (3, 11))' 2>/dev/null; then
      echo "$c"
      return 0
    fi
  done
  log "the handoff service needs Python 3.11 or newer and none was found; install one (e.g. pyenv install 3.11) or set HANDOFF_PYTHON"
  return 1
}

# The handoff service's environment (Python 3.11+, current aiohttp/websockets/redis).
handoff_env() {
  local py
  py="$(find_python311)" || return 1
  pinned_env handoff "$py" "handoff service (Python 3.11+)"
}
