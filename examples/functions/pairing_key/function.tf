variable "primary_pairing_key" {
  type      = string
  sensitive = true
}

variable "secondary_pairing_key" {
  type      = string
  sensitive = true
}

locals {
  primary   = provider::cni::pairing_key(var.primary_pairing_key)
  secondary = provider::cni::pairing_key(var.secondary_pairing_key)
}

resource "cni_interconnect" "primary" {
  type        = "gcp_partner"
  bandwidth   = "1G"
  pairing_key = var.primary_pairing_key

  lifecycle {
    precondition {
      # Zones and regions are not secret: nonsensitive() lets the condition use them.
      condition     = nonsensitive(local.primary.zone == 1 && local.secondary.zone == 2 && local.primary.region == local.secondary.region)
      error_message = "A redundant pair needs zones 1 and 2 of one region."
    }
  }
}
