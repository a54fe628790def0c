#!/usr/bin/env bash
# Builds target/go-floor/terraform-provider-gofloor, the Go provider floor of `make bench`
# (benches/go-floor/main.go): Debian's Go, go-plugin, grpc-go and go-cty, protoc-gen-go and
# protoc-gen-go-grpc over this project's proto/tfplugin6.proto. Not needed by `make test` or the
# provider. Without apt-get (or root), it says so and exits 0: the benchmarks then leave the Go rows out.
set -euo pipefail
cd "$(dirname "$0")/.."

out=target/go-floor
packages=(golang-go golang-github-hashicorp-go-plugin-dev golang-google-grpc-dev golang-google-protobuf-dev
  golang-github-golang-protobuf-1-5-dev golang-github-zclconf-go-cty-dev protoc-gen-go protoc-gen-go-grpc
  protobuf-compiler)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if ! command -v apt-get >/dev/null || [[ $(id -u) != 0 ]]; then
    echo "build-go-floor: ${missing[*]} missing and apt-get unavailable: no Go floor" >&2
    exit 0
  fi
  echo "build-go-floor: installing ${missing[*]}" >&2
  install() { DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null; }
  if ! install && ! { apt-get update -q >/dev/null && install; }; then
    echo "build-go-floor: could not install ${missing[*]}: no Go floor" >&2
    exit 0
  fi
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src/cnibench/tfplugin6" "$work/src/cnibench/gofloor" "$out"
protoc -I proto \
  --go_out="$work/src/cnibench/tfplugin6" --go_opt=paths=source_relative --go_opt=Mtfplugin6.proto=cnibench/tfplugin6 \
  --go-grpc_out="$work/src/cnibench/tfplugin6" --go-grpc_opt=paths=source_relative --go-grpc_opt=Mtfplugin6.proto=cnibench/tfplugin6 \
  tfplugin6.proto
cp benches/go-floor/main.go "$work/src/cnibench/gofloor/"
(cd "$work/src/cnibench/gofloor" &&
  GO111MODULE=off GOPATH="$work:/usr/share/gocode" GOCACHE="$work/cache" GOFLAGS= \
    go build -trimpath -o "$OLDPWD/$out/terraform-provider-gofloor" .)
echo "built $out/terraform-provider-gofloor ($(go version))"
