#!/usr/bin/env bash
# Installs the Debian packages ehub needs, when run as root with apt available; otherwise prints
# exactly what to install. The list lives in scripts/debian-packages.txt (one package a line).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
python="${PYTHON:-python3}"

wanted=()
while read -r package _; do
  [[ -z "$package" || "$package" == \#* ]] && continue
  wanted+=("$package")
done < "$here/debian-packages.txt"

# Debian splits venv/ensurepip out of python3: only needed when this Python lacks them.
if ! "$python" -c "import venv, ensurepip" >/dev/null 2>&1; then
  wanted+=("python3-venv")
fi

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for package in "${wanted[@]}"; do
    status="$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)"
    [[ "$status" == "install ok installed" ]] || missing+=("$package")
  done
else
  echo "system-deps: not a Debian system; make sure these are installed: ${wanted[*]:-nothing}" >&2
  exit 0
fi

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi
if [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "system-deps: ehub needs these Debian packages; install them with:" >&2
  echo "  sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
