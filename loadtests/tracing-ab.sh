#!/usr/bin/env bash
# What tracing costs (docs/tracing.md): three proxies of one published build side by side, tracing off, SampleRatio
# 0.01 and SampleRatio 1, each exporting to an nginx that answers POST /v1/traces with 200 (a collector that keeps up).
# The proxies share CPU 0; nginx (backend and collector), wrk and h2load run on CPU 1. Runs are interleaved (off, 0.01,
# 1, off, …) so that the shared machine's drift falls on all three alike; CPU per request from /proc/PID/stat.
# With BASELINE=DIR (a build of the commit before tracing), a fourth proxy runs that build: "tracing off" against code
# that has no tracing at all.
# Usage: dotnet publish src/Proxy -c Release -o /tmp/edgeproxy && loadtests/tracing-ab.sh /tmp/edgeproxy [rounds] [seconds]
set -euo pipefail
publish=${1:?published proxy folder}
rounds=${2:-3}
seconds=${3:-10}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT

mkdir -p "$work/logs"
cat > "$work/nginx.conf" <<NGINX
worker_processes 1;
error_log $work/logs/error.log;
pid $work/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  server { listen 127.0.0.1:18580; location / { return 200 "ok\n"; } }
  server { listen 127.0.0.1:18581; location /v1/traces { client_max_body_size 64m; return 200; } }
}
NGINX
taskset -c 1 nginx -c "$work/nginx.conf" -p "$work" -g 'daemon off;' &

names=(off ratio-0.01 ratio-1)
if [ -n "${BASELINE:-}" ]; then names=(baseline "${names[@]}"); fi
declare -A https admin pid
port=18590
for name in "${names[@]}"; do
  case $name in
    baseline | off) tracing='' ;;
    ratio-0.01) tracing=', "Tracing": {"Enabled": true, "OtlpEndpoint": "http://127.0.0.1:18581", "SampleRatio": 0.01}' ;;
    ratio-1) tracing=', "Tracing": {"Enabled": true, "OtlpEndpoint": "http://127.0.0.1:18581", "SampleRatio": 1}' ;;
  esac
  https[$name]=$port; admin[$name]=$((port + 1)); port=$((port + 2))
  mkdir -p "$work/$name"
  cat > "$work/$name/appsettings.json" <<JSON
{
  "Logging": { "LogLevel": { "Default": "Warning" } },
  "Kestrel": { "Endpoints": { "Https": { "Url": "https://127.0.0.1:${https[$name]}" } } },
  "EdgeProxy": {
    "Admin": { "Url": "http://127.0.0.1:${admin[$name]}" },
    "ClientIp": { "TrustCloudflare": false },
    "AccessLog": { "Enabled": false }$tracing
  },
  "ReverseProxy": {
    "Routes": { "all": { "ClusterId": "backend", "Match": { "Path": "{**catch-all}" } } },
    "Clusters": { "backend": { "Destinations": { "nginx": { "Address": "http://127.0.0.1:18580/" } } } }
  }
}
JSON
  binary=$publish/EdgeProxy
  if [ "$name" = baseline ]; then binary=$BASELINE/EdgeProxy; fi
  taskset -c 0 "$binary" --config "$work/$name/appsettings.json" > "$work/logs/$name.log" 2>&1 &
  pid[$name]=$!
done

for name in "${names[@]}"; do
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:${admin[$name]}/readyz" > /dev/null && break; sleep 0.2; done
done

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)

run() { # name load seconds -> "req/s cpu-us-per-request"
  local name=$1 load=$2 secs=$3 before after out rps
  before=$(cpu_ticks "${pid[$name]}")
  if [ "$load" = h1 ]; then
    out=$(taskset -c 1 wrk -t1 -c64 -d"${secs}s" "https://127.0.0.1:${https[$name]}/")
    rps=$(awk '/Requests\/sec/ { print $2 }' <<< "$out")
  else
    out=$(taskset -c 1 h2load -c16 -m8 -D "$secs" "https://127.0.0.1:${https[$name]}/")
    rps=$(awk '/^finished in/ { gsub(",", "", $4); print $4 }' <<< "$out")
  fi
  after=$(cpu_ticks "${pid[$name]}")
  awk -v r="$rps" -v t=$((after - before)) -v hz="$hz" -v s="$secs" 'BEGIN { printf "%.0f %.1f", r, t / hz * 1e6 / (r * s) }'
}

echo "warm-up (20 s each) ..." >&2
for name in "${names[@]}"; do run "$name" h2 20 > /dev/null; run "$name" h1 5 > /dev/null; done

printf '%-6s %-11s %5s %10s %14s\n' load tracing round 'req/s' 'CPU us/req'
for load in h1 h2; do
  for round in $(seq 1 "$rounds"); do
    for name in "${names[@]}"; do
      read -r rps cpu <<< "$(run "$name" "$load" "$seconds")"
      printf '%-6s %-11s %5s %10s %14s\n' "$load" "$name" "$round" "$rps" "$cpu"
    done
  done
done

for name in ratio-0.01 ratio-1; do
  counts=$(curl -s "http://127.0.0.1:${admin[$name]}/metrics" | grep -E '^edgeproxy_tracing_[a-z]+_total' | tr '\n' ' ')
  echo "$name: $counts"
done
