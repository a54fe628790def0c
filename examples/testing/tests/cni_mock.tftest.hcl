# Integration test against cni-mock (Terraform 1.6 and later). Start the mock and point the provider at
# it through the environment before `terraform test`:
#
#   cni-mock --listen 127.0.0.1:8787 --token test-token &
#   export CLOUDFLARE_BASE_URL=http://127.0.0.1:8787/client/v4 CLOUDFLARE_API_TOKEN=test-token
#   export CLOUDFLARE_ACCOUNT_ID=023e105f4ecef8ad9ca31a8372d0c353
#
# Each run below really creates (and, at the end, destroys) what it applies.

provider "cni" {
  # cni-mock turns a new attachment Healthy within a few polls: poll often.
  poll_interval = "1s"
}

variables {
  pairing_key = "7e51371e-72a3-40b5-b844-2e3efefaee59/us-central1/1"
}

run "creates_a_healthy_attachment" {
  assert {
    condition     = output.status == "Healthy"
    error_message = "The attachment should be Healthy once applied."
  }

  assert {
    condition     = startswith(output.name, "icon-")
    error_message = "Cloudflare names an interconnect icon-<number>."
  }

  assert {
    condition     = cni_interconnect.attachment.region == "us-central1"
    error_message = "The region comes from the pairing key."
  }
}

run "refuses_a_bandwidth_gcp_does_not_sell" {
  command = plan

  variables {
    bandwidth = "3G"
  }

  expect_failures = [
    var.bandwidth,
  ]
}
