# Starts PostgreSQL and Redis on 127.0.0.1 when they are installed but not running.
# Source it; `ensure_services` returns non-zero when either is still unavailable.

PG_URL="${LP_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
REDIS_URL_FOR_TESTS="${LP_TEST_REDIS_URL:-redis://127.0.0.1:6379}"

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for_port() {
  local port=$1
  for _ in $(seq 1 50); do port_open "$port" && return 0; sleep 0.2; done
  return 1
}

ensure_postgres() {
  port_open 5432 && return 0
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    say "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start || true
  fi
  wait_for_port 5432
}

ensure_redis() {
  port_open 6379 && return 0
  if command -v redis-server >/dev/null; then
    say "starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
      --dir /tmp --logfile /tmp/luckyplans-redis.log || true
  fi
  wait_for_port 6379
}

ensure_services() {
  local ok=0
  ensure_postgres || { warn "PostgreSQL is not available on 127.0.0.1:5432"; ok=1; }
  ensure_redis || { warn "Redis is not available on 127.0.0.1:6379"; ok=1; }
  return $ok
}
