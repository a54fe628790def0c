#!/usr/bin/env bash
# `make release VERSION=x.y.z`: what the Terraform registry and a filesystem mirror need, in dist/:
#   terraform-provider-cni_X_linux_amd64.zip   (holding terraform-provider-cni_vX)
#   terraform-provider-cni_X_manifest.json
#   terraform-provider-cni_X_SHA256SUMS        (and .sig when GPG_KEY_ID names a secret key)
# A second argument packages that binary instead of building the release one (tests use it).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
version=${1:?usage: release.sh VERSION [BINARY]}
binary=${2:-}
dist=${DIST_DIR:-$root/dist}
if ! [[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  echo "release: VERSION must look like 1.2.3, not '$version'" >&2
  exit 2
fi
if [ -z "$binary" ]; then
  (cd "$root" && cargo build --locked --release --bin terraform-provider-cni)
  binary=$root/target/release/terraform-provider-cni
fi
name=terraform-provider-cni_${version}
mkdir -p "$dist"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp "$binary" "$stage/terraform-provider-cni_v${version}"
strip "$stage/terraform-provider-cni_v${version}" 2>/dev/null || true
rm -f "$dist/${name}_linux_amd64.zip"
(cd "$stage" && zip -q -X "$dist/${name}_linux_amd64.zip" "terraform-provider-cni_v${version}")
cp "$root/terraform-registry-manifest.json" "$dist/${name}_manifest.json"
(cd "$dist" && sha256sum "${name}_linux_amd64.zip" "${name}_manifest.json" >"${name}_SHA256SUMS")
if [ -n "${GPG_KEY_ID:-}" ]; then
  gpg --batch --yes --local-user "$GPG_KEY_ID" --detach-sign --output "$dist/${name}_SHA256SUMS.sig" "$dist/${name}_SHA256SUMS"
  echo "release: signed ${name}_SHA256SUMS with key $GPG_KEY_ID"
else
  echo "release: no GPG_KEY_ID set, so ${name}_SHA256SUMS is not signed (the registry needs a signature; a filesystem mirror does not)"
fi
echo "release: $(cd "$dist" && ls ${name}_*)"
