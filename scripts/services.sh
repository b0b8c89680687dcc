# Make sure the local PostgreSQL and Redis the tests use are up (they normally are on these machines).
# Sourced by scripts/test; starts a service only when it does not answer.

ensure_services() {
  if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 -p 5432; then
    log "PostgreSQL is not answering on 127.0.0.1:5432; starting it"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
  if command -v redis-cli >/dev/null 2>&1 && ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    log "Redis is not answering on 127.0.0.1:6379; starting it"
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
      --dir /tmp --logfile /tmp/kindred-redis.log || true
    for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done
  fi
}

# The browser tests drive Debian's Chromium through Playwright (browser downloads are impossible here).
ensure_chromium() {
  local chromium="${KINDRED_CHROMIUM:-/usr/bin/chromium}"
  [ -x "$chromium" ] && return 0
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    log "installing Debian's chromium for the browser tests (once)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/tmp/kindred-chromium.log 2>&1 \
      || { apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >>/tmp/kindred-chromium.log 2>&1; } \
      || log "could not install chromium (see /tmp/kindred-chromium.log); the browser tests will fail"
  else
    log "no chromium at $chromium: install Debian's 'chromium' package or set KINDRED_CHROMIUM; the browser tests will fail"
  fi
}
