# Shared set-up of the benchmark scripts; sourced, not run.
# Selects JDK 25, checks the load tools, builds the jars the benchmark needs when missing, raises
# the file limit, and gives a work folder ($work) whose processes ($pids) and nginx are stopped
# on exit.

select_java() {
  local java_home="${JAVA_HOME:-}"
  if [ -z "$java_home" ] || ! "$java_home/bin/java" -version 2>&1 | grep -qE 'version "(2[5-9]|[3-9][0-9])'; then
    java_home=/usr/lib/jvm/temurin-25-jdk-amd64
  fi
  export JAVA_HOME="$java_home" PATH="$java_home/bin:$PATH"
}

require_tools() {
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install -y $*" >&2; exit 2; }
  done
}

require_jars() { # module...
  local modules
  modules=$(IFS=,; echo "$*")
  for module in "$@"; do
    [ -f "$module/target/$module.jar" ] || { ./mvnw -q -B -DskipTests -pl "$modules" package; return; }
  done
}

wait_ready() { # url
  for _ in $(seq 1 150); do
    [ "$(curl -s -m 1 -o /dev/null -w '%{http_code}' "$1")" = 200 ] && return 0
    sleep 0.2
  done
  echo "$1 did not become ready" >&2
  exit 1
}

start_nginx() { # the server block
  mkdir -p "$work/tmp"
  cat >"$work/nginx.conf" <<NGINX
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path $work/tmp;
  proxy_temp_path $work/tmp;
  fastcgi_temp_path $work/tmp;
  uwsgi_temp_path $work/tmp;
  scgi_temp_path $work/tmp;
$1
}
NGINX
  nginx -c "$work/nginx.conf"
}

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

select_java
ulimit -n 65536 2>/dev/null || true
