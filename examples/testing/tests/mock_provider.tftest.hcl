# Unit test with no server at all (Terraform 1.7 and later): `mock_provider` stands in for the cni
# provider, taking its computed values from tests/mocks/*.tfmock.hcl, so nothing is sent anywhere and
# no credentials are needed. Run only this file with `terraform test -filter=tests/mock_provider.tftest.hcl`.

mock_provider "cni" {
  source = "./tests/mocks"
}

variables {
  pairing_key = "7e51371e-72a3-40b5-b844-2e3efefaee59/us-central1/1"
}

run "exposes_the_name_and_status" {
  assert {
    condition     = output.status == "Healthy"
    error_message = "The mocked attachment is Healthy."
  }

  assert {
    condition     = output.name == "icon-000001"
    error_message = "The name output is the interconnect's name."
  }
}

run "passes_the_bandwidth_through" {
  variables {
    bandwidth = "10G"
  }

  assert {
    condition     = cni_interconnect.attachment.bandwidth == "10G"
    error_message = "The module passes its bandwidth to the attachment."
  }
}
