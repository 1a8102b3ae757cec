#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine is missing to build, run and test Kefu.
# Idempotent: each step checks before it installs. Needs root (or sudo) only for apt.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
third="$root/third_party"
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"

need_apt=()
have() { command -v "$1" >/dev/null 2>&1; }
pkg_ok() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
for p in emscripten nlohmann-json3-dev chromium fonts-wqy-microhei fonts-noto-color-emoji cmake g++ libgtest-dev dpkg-dev python3 xz-utils ca-certificates; do
  pkg_ok "$p" || need_apt+=("$p")
done
have node || need_apt+=(nodejs npm)
# Only when asked: --turn adds coturn (a TURN relay next to the backend, shell/start.sh --turn);
# --netns adds iproute2 and iptables (the end-to-end tests that put browsers in network namespaces);
# --tests adds everything the test command needs (tests/run.sh): nginx and openssl for the reverse-proxy
# test, clang's fuzzer runtime, coturn and the namespace tools;
# --browsers adds Firefox ESR, WebKitGTK's WebDriver (the Safari engine) and Xvfb for the cross-engine tests;
# --no-npm leaves the Node packages to the caller (tests/run.sh installs them while it builds).
extra=()
npm_step=1
for a in "$@"; do
  case "$a" in
    --no-npm) npm_step=0 ;;
    --turn) extra+=(coturn) ;;
    --netns) extra+=(iproute2 iptables) ;;
    --browsers) extra+=(firefox-esr webkit2gtk-driver xvfb) ;;
    --tests) extra+=(nginx openssl clang-14 libclang-rt-14-dev coturn iproute2 iptables firefox-esr webkit2gtk-driver xvfb) ;;
    *) echo "kefu setup: unknown option $a (known: --turn, --netns, --browsers, --tests, --no-npm)" >&2; exit 2 ;;
  esac
done
new_coturn=0
for p in "${extra[@]}"; do
  pkg_ok "$p" || { need_apt+=("$p"); [ "$p" = coturn ] && new_coturn=1; }
done

apt_updated=0
apt_update() { [ $apt_updated = 1 ] || { $SUDO apt-get update -qq; apt_updated=1; }; }
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "kefu setup: installing ${need_apt[*]}"
  apt_update
  # Servers installed here (nginx, coturn) are started by Kefu's own scripts with their own settings;
  # Debian's packages would otherwise start them at once as system services (nginx on port 80).
  rcd=/usr/sbin/policy-rc.d
  own_rcd=0
  if [ ! -e "$rcd" ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$rcd" >/dev/null && $SUDO chmod 755 "$rcd" && own_rcd=1
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null || { [ $own_rcd = 0 ] || $SUDO rm -f "$rcd"; exit 1; }
  [ $own_rcd = 0 ] || $SUDO rm -f "$rcd"
fi
# Debian enables coturn's own service, with a configuration that is not ours, on the port the backend's
# coturn wants: a package installed here does not run by itself.
if [ $new_coturn = 1 ] && have systemctl; then
  $SUDO systemctl disable --now coturn >/dev/null 2>&1 || true
  echo "kefu setup: coturn installed; its system service is off (the backend starts its own with --turn)"
fi

# Dear ImGui core sources come from Debian's source package (the -dev package lacks the .cpp files).
if [ ! -f "$third/imgui/imgui.cpp" ]; then
  echo "kefu setup: fetching the Dear ImGui source package"
  list=/etc/apt/sources.list.d/kefu-deb-src.sources
  if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
    src=""
    for f in /etc/apt/sources.list.d/*.sources; do [ -f "$f" ] && src="$f" && break; done
    if [ -n "$src" ]; then
      sed 's/^Types: *deb$/Types: deb-src/' "$src" | $SUDO tee "$list" >/dev/null
    else
      grep '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' | $SUDO tee /etc/apt/sources.list.d/kefu-deb-src.list >/dev/null
    fi
    apt_updated=0
  fi
  apt_update
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get source --download-only -qq imgui >/dev/null)
  mkdir -p "$third/imgui"
  tar -xf "$tmp"/imgui_*.orig.tar.* -C "$third/imgui" --strip-components=1
  rm -rf "$tmp"
fi

# nlohmann/json alone on the include path (never all of /usr/include for emcc).
if [ ! -f "$third/include/nlohmann/json.hpp" ]; then
  mkdir -p "$third/include"
  cp -r /usr/include/nlohmann "$third/include/"
fi

# Node packages of the shell and the tests.
[ "$npm_step" = 0 ] || bash "$root/shell/npm-install.sh"
