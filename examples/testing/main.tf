# A small module of the kind users write around the provider: one GCP Partner Interconnect attachment,
# its bandwidth checked before anything is sent. tests/ holds its `terraform test` recipes.

terraform {
  required_providers {
    cni = {
      source = "cnilabs/cni"
    }
  }
}

variable "bandwidth" {
  description = "The attachment's bandwidth, as GCP sells it."
  type        = string
  default     = "1G"

  validation {
    condition     = contains(["50M", "100M", "200M", "300M", "400M", "500M", "1G", "2G", "5G", "10G", "20G", "50G"], var.bandwidth)
    error_message = "The bandwidth must be one GCP sells: 50M to 500M in steps, 1G, 2G, 5G, 10G, 20G or 50G."
  }
}

variable "pairing_key" {
  description = "The pairing key of the GCP VLAN attachment."
  type        = string
  sensitive   = true
}

resource "cni_interconnect" "attachment" {
  type        = "gcp_partner"
  bandwidth   = var.bandwidth
  pairing_key = var.pairing_key
}

output "name" {
  description = "The attachment's name, assigned by Cloudflare."
  value       = cni_interconnect.attachment.name
}

output "status" {
  description = "The attachment's link status."
  value       = cni_interconnect.attachment.status
}
