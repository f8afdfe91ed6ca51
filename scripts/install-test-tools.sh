#!/usr/bin/env bash
# Installs what the tests drive besides Python packages: Debian's chromium (Playwright cannot download
# browsers here), Java for the Nu HTML checker, ICU headers for PyICU, Node for axe-core and vnu-jar,
# rsync for the publishing recipe, nginx for the redirect rules.
set -euo pipefail
need=()
command -v chromium >/dev/null || need+=(chromium)
command -v java >/dev/null || need+=(default-jre-headless)
command -v npm >/dev/null || need+=(nodejs npm)
command -v pkg-config >/dev/null || need+=(pkg-config)
command -v rsync >/dev/null || need+=(rsync)  # scripts/publish-rsync.sh is tested against a local target
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx-light)  # serves the generated redirect rules in a test
[ -e /usr/include/unicode/ucol.h ] || need+=(libicu-dev)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
if [ ! -e node_modules/axe-core/axe.min.js ] || [ ! -e node_modules/vnu-jar/build/dist/vnu.jar ]; then
  npm install --no-audit --no-fund --silent
fi
