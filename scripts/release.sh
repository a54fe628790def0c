#!/usr/bin/env bash
# `make release VERSION=x.y.z`: what the Terraform registry, the OpenTofu registry and a filesystem
# mirror need, in dist/:
#   terraform-provider-cni_X_<os>_<arch>.zip   (holding terraform-provider-cni_vX, .exe on Windows)
#   terraform-provider-cni_X_manifest.json
#   terraform-provider-cni_X_SHA256SUMS        (and .sig when GPG_KEY_ID names a secret key)
#   mirror/registry.terraform.io/cnilabs/cni/… and mirror/registry.opentofu.org/cnilabs/cni/…
#                                              (the zips in the packed layout both CLIs install from)
#
# Each platform of RELEASE_PLATFORMS (default: linux_amd64) is built with cargo-zigbuild, Zig being the
# C toolchain and linker: linux targets link against glibc 2.17 (the floor: CentOS 7, Amazon Linux 2,
# RHEL 8, Ubuntu 18.04 and every later one). A platform whose Rust standard library this toolchain lacks
# (`rustup target add <target>` where the network allows) stops the release with an error: nothing is
# packaged that was not built for it.
#
# A second argument packages that binary as linux_amd64 instead of building one (tests use it).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
version=${1:?usage: release.sh VERSION [BINARY]}
binary=${2:-}
dist=${DIST_DIR:-$root/dist}
platforms=${RELEASE_PLATFORMS:-linux_amd64}
# The glibc the linux binaries are linked against; tests/release.rs checks the symbols stay within it.
glibc_floor=2.17
if ! [[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  echo "release: VERSION must look like 1.2.3, not '$version'" >&2
  exit 2
fi

# The Rust target of a registry platform.
rust_target() {
  case "$1" in
    linux_amd64) echo x86_64-unknown-linux-gnu ;;
    linux_arm64) echo aarch64-unknown-linux-gnu ;;
    darwin_amd64) echo x86_64-apple-darwin ;;
    darwin_arm64) echo aarch64-apple-darwin ;;
    windows_amd64) echo x86_64-pc-windows-gnu ;;
    *) echo "release: unknown platform '$1' (linux_amd64, linux_arm64, darwin_amd64, darwin_arm64, windows_amd64)" >&2; return 2 ;;
  esac
}

# Fails unless this toolchain has the Rust standard library for a platform's target.
check_std() {
  local target
  target=$(rust_target "$1")
  local libdir
  libdir=$(rustc --print target-libdir --target "$target" 2>/dev/null || true)
  if [ -z "$libdir" ] || ! ls "$libdir"/libstd-* >/dev/null 2>&1; then
    local installed
    installed=$(cd "$(rustc --print sysroot)/lib/rustlib" && ls -d */lib | cut -d/ -f1 | tr '\n' ' ')
    echo "release: $1 needs the Rust standard library for $target, which this toolchain lacks" \
      "(it has: ${installed% }); add it with 'rustup target add $target'" >&2
    return 3
  fi
}

# Builds the provider for a platform and prints the binary's path.
build() {
  local platform=$1 target
  target=$(rust_target "$platform")
  local zig_target=$target
  case "$platform" in linux_*) zig_target=$target.$glibc_floor ;; esac
  bash "$root/scripts/install-tools.sh" zig >&2
  (cd "$root" && PATH="$root/tools/zig/bin:$PATH" cargo zigbuild --locked --release \
    --bin terraform-provider-cni --target "$zig_target" >&2)
  local suffix=
  case "$platform" in windows_*) suffix=.exe ;; esac
  echo "$root/target/$target/release/terraform-provider-cni$suffix"
}

name=terraform-provider-cni_${version}
mkdir -p "$dist"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
if [ -n "$binary" ]; then
  platforms=linux_amd64
else
  for platform in $platforms; do check_std "$platform"; done
fi
zips=()
for platform in $platforms; do
  if [ -n "$binary" ]; then built=$binary; else built=$(build "$platform"); fi
  suffix=
  case "$platform" in windows_*) suffix=.exe ;; esac
  rm -rf "$stage/$platform" && mkdir -p "$stage/$platform"
  cp "$built" "$stage/$platform/terraform-provider-cni_v${version}$suffix"
  strip "$stage/$platform/terraform-provider-cni_v${version}$suffix" 2>/dev/null || true
  zip_name=${name}_${platform}.zip
  rm -f "$dist/$zip_name"
  (cd "$stage/$platform" && zip -q -X "$dist/$zip_name" "terraform-provider-cni_v${version}$suffix")
  zips+=("$zip_name")
done
cp "$root/terraform-registry-manifest.json" "$dist/${name}_manifest.json"
(cd "$dist" && sha256sum "${zips[@]}" "${name}_manifest.json" >"${name}_SHA256SUMS")
for host in registry.terraform.io registry.opentofu.org; do
  mkdir -p "$dist/mirror/$host/cnilabs/cni"
  for zip_name in "${zips[@]}"; do cp "$dist/$zip_name" "$dist/mirror/$host/cnilabs/cni/"; done
done
if [ -n "${GPG_KEY_ID:-}" ]; then
  gpg --batch --yes --local-user "$GPG_KEY_ID" --detach-sign --output "$dist/${name}_SHA256SUMS.sig" "$dist/${name}_SHA256SUMS"
  echo "release: signed ${name}_SHA256SUMS with key $GPG_KEY_ID"
else
  echo "release: no GPG_KEY_ID set, so ${name}_SHA256SUMS is not signed (the registry needs a signature; a filesystem mirror does not)"
fi
echo "release: $(cd "$dist" && ls ${name}_*) and mirror/ for registry.terraform.io and registry.opentofu.org"
