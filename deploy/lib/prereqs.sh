# Installs what Skiff needs on a Debian machine, only when missing. Sourced by deploy/cluster and deploy/run-tests.

skiff_log() { printf '[skiff] %s\n' "$*" >&2; }

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then
    skiff_log "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    apt_updated=1
  fi
  skiff_log "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Node 20 or newer with npm; the machine is expected to have it (Debian's nodejs package is older).
ensure_node() {
  if ! command -v node >/dev/null || ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)'; then
    skiff_log "Node.js 20 or newer is required (found: $(node --version 2>/dev/null || echo none))"
    return 1
  fi
}

# npm dependencies and the build (generated OpenAPI definitions, compiled JavaScript).
ensure_build() {
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    skiff_log "npm ci"
    npm ci --no-audit --no-fund --loglevel=error
  fi
  skiff_log "npm run build"
  npm run --silent build
}

ensure_kubectl() {
  command -v kubectl >/dev/null && return 0
  apt_install kubectl || { skiff_log "kubectl is not installed and apt-get could not install it"; return 1; }
}

# For the tests only (deploy/run-tests): Docker Hub pulls try this mirror first. The tour test (test/e2e/tour) serves
# the images its manifests name there, on loopback (127.0.0.0/8 is an insecure registry by default, so plain http
# works).
skiff_registry_mirror=http://127.0.0.1:5000

# Adds the mirror to /etc/docker/daemon.json, keeping every other key; read when dockerd starts (a running daemon
# rereads it on SIGHUP, which the tour test sends).
ensure_docker_mirror_config() {
  mkdir -p /etc/docker
  node -e '
    const fs = require("fs");
    const [file, url] = process.argv.slice(1);
    let config = {};
    try { config = JSON.parse(fs.readFileSync(file, "utf8")); } catch (e) {
      if (e.code !== "ENOENT") { console.error(`[skiff] ${file} is not valid JSON (${e.message}); not adding the registry mirror`); process.exit(1); }
    }
    const mirrors = Array.isArray(config["registry-mirrors"]) ? config["registry-mirrors"] : [];
    if (mirrors.some((m) => m.replace(/\/+$/, "") === url)) process.exit(0);
    config["registry-mirrors"] = [url, ...mirrors];
    fs.writeFileSync(`${file}.skiff-tmp`, JSON.stringify(config, null, 2) + "\n");
    fs.renameSync(`${file}.skiff-tmp`, file);
    console.error(`[skiff] ${file}: registry-mirrors now starts with ${url}`);
  ' /etc/docker/daemon.json "$skiff_registry_mirror"
}

# The Docker daemon: Debian's docker.io when missing; dockerd started in the background when nothing answers
# on the socket and there is no systemd to start it.
ensure_docker() {
  command -v dockerd >/dev/null || apt_install docker.io
  command -v iptables >/dev/null || apt_install iptables
  # The pause image and the test images are imported from a static busybox: there is no registry to pull from.
  dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'ok installed' || apt_install busybox-static
  if docker info >/dev/null 2>&1; then return 0; fi
  # Before the daemon starts, so that it starts with the tests' mirror.
  if [ "${1:-}" = test ]; then ensure_docker_mirror_config; fi
  if [ -d /run/systemd/system ] && systemctl start docker 2>/dev/null; then :; else
    skiff_log "starting dockerd in the background (log: /var/log/skiff-dockerd.log)"
    nohup dockerd >/var/log/skiff-dockerd.log 2>&1 &
  fi
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  skiff_log "dockerd did not come up; see /var/log/skiff-dockerd.log"
  return 1
}

# For the tests only: registry names the tests' pulls may ask for resolve to loopback, so that a pull the mirror
# cannot serve (or an image that must fail to pull) fails at once on this host instead of asking a DNS server or a
# registry elsewhere. The lines are marked and kept on later runs.
guard_test_registries() {
  local names="registry-1.docker.io index.docker.io auth.docker.io production.cloudflare.docker.com skiff.local"
  grep -q '# skiff-tests' /etc/hosts 2>/dev/null && return 0
  printf '127.0.0.1 %s # skiff-tests: no registry is reached from the test suite\n' "$names" >> /etc/hosts
}
