# Quickstart: one GCP Partner Interconnect attachment that is waited on until Healthy, one direct port
# that is not (it stays Pending until its cross-connect is installed), and the list of everything.
#
# `make demo` applies this against cni-mock. Against the real API, set TF_VAR_api_token,
# TF_VAR_account_id, TF_VAR_pairing_key and TF_VAR_slot_id (and leave base_url at its default).

terraform {
  required_providers {
    cni = {
      source = "cnilabs/cni"
    }
  }
}

variable "api_token" {
  description = "A Cloudflare API token with Magic WAN or Magic Transit write permission."
  type        = string
  sensitive   = true
}

variable "account_id" {
  description = "The Cloudflare account ID."
  type        = string
}

variable "base_url" {
  description = "The API root; point it at cni-mock to try things out."
  type        = string
  default     = "https://api.cloudflare.com/client/v4"
}

variable "poll_interval" {
  description = "The longest pause between two status polls while waiting."
  type        = string
  default     = "10s"
}

variable "pairing_key" {
  description = "The pairing key of your GCP VLAN attachment."
  type        = string
  sensitive   = true
}

variable "slot_id" {
  description = "A free slot for the direct port (see the free_slots output)."
  type        = string
}

provider "cni" {
  api_token     = var.api_token
  account_id    = var.account_id
  base_url      = var.base_url
  poll_interval = var.poll_interval
}

data "cni_slots" "free" {
  site     = "ewr01"
  occupied = false
}

resource "cni_interconnect" "gcp" {
  type        = "gcp_partner"
  bandwidth   = "1G"
  pairing_key = var.pairing_key
  # wait_for_healthy defaults to true for gcp_partner

  timeouts {
    create = "30m"
  }
}

resource "cni_interconnect" "port" {
  type             = "direct"
  slot_id          = var.slot_id
  wait_for_healthy = false

  # For a real port, also add: lifecycle { prevent_destroy = true }
}

data "cni_interconnects" "all" {
  include_status = true
  depends_on     = [cni_interconnect.gcp, cni_interconnect.port]
}

output "gcp_attachment" {
  value = {
    name   = cni_interconnect.gcp.name
    status = cni_interconnect.gcp.status
    region = cni_interconnect.gcp.region
    speed  = cni_interconnect.gcp.speed
  }
}

output "port" {
  value = {
    name     = cni_interconnect.port.name
    status   = cni_interconnect.port.status
    site     = cni_interconnect.port.site
    facility = cni_interconnect.port.facility.name
  }
}

output "free_slots" {
  value = data.cni_slots.free.slots[*].id
}

output "interconnects" {
  value = [for i in data.cni_interconnects.all.interconnects : "${i.name}: ${i.type}, ${i.status}"]
}
