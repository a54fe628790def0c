# A GCP Partner Interconnect attachment, waited on until Healthy.
resource "cni_interconnect" "gcp" {
  type        = "gcp_partner"
  bandwidth   = "1G"
  pairing_key = "7e51371e-72a3-40b5-b844-2e3efefaee59/us-central1/1"

  timeouts {
    create = "30m"
  }
}

# A direct port: it stays Pending until its cross-connect is installed.
resource "cni_interconnect" "port" {
  type    = "direct"
  slot_id = "182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e"
  speed   = "10G"

  lifecycle {
    prevent_destroy = true
  }
}
