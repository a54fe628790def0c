# The two commands of the README: `make demo` and `make test`. Both install what they need first.
SHELL := /bin/bash
.DEFAULT_GOAL := help
TF_1_0_3 := $(CURDIR)/tools/bin/terraform-1.0.3
TF_1_15_5 := $(CURDIR)/tools/bin/terraform-1.15.5
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
# Where `make install` puts the provider: the implied local mirror of both CLIs, once under each registry
# host (`terraform` resolves cnilabs/cni to registry.terraform.io, `tofu` to registry.opentofu.org).
PLUGIN_DIRS := $(foreach host,registry.terraform.io registry.opentofu.org,$(HOME)/.terraform.d/plugins/$(host)/cnilabs/cni/$(VERSION)/linux_amd64)
# What `make test` releases and checks: the portable binary, zipped, in both hosts' mirror layout.
RELEASE_CHECK_DIST := $(CURDIR)/target/release-check

.PHONY: help tools build demo test lint unit acceptance release-check sdk-check bench-smoke install bench release docs

help:
	@echo "make demo     build, start cni-mock, terraform apply examples/quickstart, print outputs, destroy"
	@echo "make test     lint, unit and integration tests, acceptance tests with Terraform 1.0.3 and 1.15.5, a smoke run of the benchmarks"
	@echo "make bench    run benches/ against same-run baselines and write BENCHMARKS.md (CNI_BASELINE_PROVIDER=<binary> adds a start-up baseline)"
	@echo "make install  build a release binary into ~/.terraform.d/plugins for 'terraform init' and 'tofu init'"
	@echo "make docs     regenerate docs/ from the attribute tables and templates/ (make test fails when stale)"
	@echo "make release VERSION=x.y.z  portable binaries (glibc 2.17+), zips, manifest, SHA256SUMS (signed with GPG_KEY_ID if set) and a mirror for both registries in dist/"
	@echo "make tools    install protoc and Terraform 1.0.3 / 1.15.5 into ./tools (demo and test do it)"

tools:
	@bash scripts/install-tools.sh

build: tools
	cargo build --locked --bins

demo: tools
	@bash scripts/demo.sh

lint: tools
	cargo fmt --check
	cargo clippy --locked --all-targets -- -D warnings

# Unit tests, the REST client against cni-mock, the mock itself (acceptance tests skip without TF_ACC).
unit: tools
	cargo test --locked

# The provider driven by the real Terraform CLI, once per supported version. Under `make test` the
# release test installs the portable zip that release-check built (RELEASE_DIST); alone, a zip of the
# debug build.
acceptance: tools
	TF_ACC=1 TF_ACC_TERRAFORM_PATH=$(TF_1_0_3) CNI_RELEASE_DIST=$(RELEASE_DIST) cargo test --locked --test acceptance -- --test-threads 4
	TF_ACC=1 TF_ACC_TERRAFORM_PATH=$(TF_1_15_5) CNI_RELEASE_DIST=$(RELEASE_DIST) cargo test --locked --test acceptance -- --test-threads 4

# `make release VERSION=0.1.0` into target/release-check, then the check that the binary needs no glibc
# newer than 2.17 and that both registries' mirror layouts hold the zip (tests/release.rs).
release-check: tools
	DIST_DIR=$(RELEASE_CHECK_DIST) bash scripts/release.sh 0.1.0
	CNI_RELEASE_DIST=$(RELEASE_CHECK_DIST) cargo test --locked --test release

# The official Cloudflare Python SDK's CNI and settings calls against cni-mock (tests/python_sdk.rs).
sdk-check: tools
	@bash scripts/install-tools.sh sdk
	CNI_PYTHON_SDK=$(CURDIR)/tools/cloudflare-sdk/bin/python3 cargo test --locked --test python_sdk

# The benchmark harness at a small size with the debug builds: it must keep working, and the requests
# spent per interconnect must not grow. Nothing is timed against a target and BENCHMARKS.md is not written.
bench-smoke: tools
	cargo test --locked --bench handshake --bench scale

test: RELEASE_DIST := $(RELEASE_CHECK_DIST)
test: lint unit release-check sdk-check acceptance bench-smoke

install: tools
	cargo build --locked --release --bin terraform-provider-cni
	@for dir in $(PLUGIN_DIRS); do \
	  mkdir -p $$dir && cp target/release/terraform-provider-cni $$dir/terraform-provider-cni_v$(VERSION) && \
	  echo "installed $$dir/terraform-provider-cni_v$(VERSION)"; \
	done

# Start-up is measured against the no-op provider (the floor); CNI_BASELINE_PROVIDER=<a provider
# binary> adds a comparison with that binary too (benches/handshake.rs).
bench: tools
	cargo build --locked --release --bin terraform-provider-cni --bin terraform-provider-noop
	bash scripts/build-go-floor.sh
	cargo bench --locked --bench client
	cargo bench --locked --bench handshake
	cargo bench --locked --bench scale

release:
	@bash scripts/release.sh "$(VERSION)"

docs: tools
	CNI_WRITE_DOCS=1 cargo test --locked --test docs -- the_committed_docs_are_what_make_docs_generates
