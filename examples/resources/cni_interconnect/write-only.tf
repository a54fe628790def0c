# Terraform 1.11 and later: the pairing key is sent to create the attachment and never stored in the
# plan or the state. Bump pairing_key_wo_version to create the attachment anew with a new key.
variable "pairing_key" {
  type      = string
  sensitive = true
}

resource "cni_interconnect" "gcp" {
  type                   = "gcp_partner"
  bandwidth              = "1G"
  pairing_key_wo         = var.pairing_key
  pairing_key_wo_version = 1
}
