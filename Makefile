# The two commands of the README: `make demo` and `make test`. Both install what they need first.
SHELL := /bin/bash
.DEFAULT_GOAL := help
TF_1_0_3 := $(CURDIR)/tools/bin/terraform-1.0.3
TF_1_15_5 := $(CURDIR)/tools/bin/terraform-1.15.5

.PHONY: help tools build demo test lint unit

help:
	@echo "make demo   start cni-mock and run the quickstart against it"
	@echo "make test   lint, unit tests, REST client vs cni-mock, acceptance tests with Terraform 1.0.3 and 1.15.5"
	@echo "make tools  install protoc and Terraform 1.0.3 / 1.15.5 into ./tools (done by demo and test)"

tools:
	@bash scripts/install-tools.sh

build: tools
	cargo build --locked --bins

demo: tools
	@bash scripts/demo.sh

lint: tools
	cargo fmt --check
	cargo clippy --locked --all-targets -- -D warnings

unit: tools
	cargo test --locked

test: lint unit
