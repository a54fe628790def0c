#!/usr/bin/env bash
# The README's demo: build, start cni-mock, `terraform apply` examples/quickstart against it, print the
# outputs, destroy, stop the mock. Uses tools/bin/terraform-1.15.5 unless TERRAFORM is set.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
terraform=${TERRAFORM:-$root/tools/bin/terraform-1.15.5}

cargo build --locked --quiet --bins
work=$(mktemp -d)
mock_pid=
cleanup() {
  [ -n "$mock_pid" ] && kill "$mock_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

token="demo-token-$RANDOM$RANDOM"
target/debug/cni-mock --listen 127.0.0.1:0 --token "$token" --healthy-after 3 --direct-healthy-after never >"$work/mock.url" &
mock_pid=$!
for _ in $(seq 200); do [ -s "$work/mock.url" ] && break; sleep 0.05; done
base_url=$(head -1 "$work/mock.url")
echo "==> cni-mock is serving $base_url"

# A CLI configuration that loads the provider just built, without a registry.
cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "cnilabs/cni" = "$root/target/debug"
  }
  direct {}
}
RC
cp examples/quickstart/main.tf "$work/"
export TF_CLI_CONFIG_FILE="$work/terraformrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
export TF_VAR_api_token="$token" TF_VAR_base_url="$base_url" TF_VAR_poll_interval=200ms
export TF_VAR_account_id=023e105f4ecef8ad9ca31a8372d0c353
export TF_VAR_pairing_key=7e51371e-72a3-40b5-b844-2e3efefaee59/us-central1/1
export TF_VAR_slot_id=182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e
cd "$work"
echo "==> terraform apply ($("$terraform" version | head -1))"
"$terraform" apply -auto-approve -input=false -compact-warnings
echo "==> terraform output"
"$terraform" output
echo "==> terraform query (what exists in the account, with the identities to import it by)"
printf 'list "cni_interconnect" "all" {\n  provider = cni\n}\n' >"$work/all.tfquery.hcl"
"$terraform" query
rm "$work/all.tfquery.hcl"
echo "==> terraform destroy"
"$terraform" destroy -auto-approve -input=false
left=$(curl -s "${base_url%/client/v4}/__mock/interconnects")
echo "==> interconnects left in cni-mock: $left"
[ "$left" = "[]" ]
