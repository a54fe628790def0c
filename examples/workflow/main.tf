# A direct port from start to finish: pick a free slot, create the port, write its Letter of
# Authorization to a file (to order the cross-connect from the facility), and hold back what depends
# on the link until the port is Healthy. Once the cross-connect is installed, apply again with
# -var cross_connect_installed=true: the connection that carries traffic over the port (its Magic WAN
# conduit and a BGP session) is made only if the port really is Healthy.

terraform {
  required_version = ">= 1.5"
  required_providers {
    cni = {
      source = "cnilabs/cni"
    }
  }
}

variable "cross_connect_installed" {
  description = "Set to true once the facility has installed the cross-connect."
  type        = bool
  default     = false
}

variable "bgp_md5_key" {
  description = "The BGP session's MD5 key (null: no key)."
  type        = string
  sensitive   = true
  default     = null
}

variable "site" {
  description = "The Cloudflare site of the port."
  type        = string
  default     = "ewr01"
}

provider "cni" {
  # api_token, account_id and base_url from CLOUDFLARE_API_TOKEN, CLOUDFLARE_ACCOUNT_ID and
  # CLOUDFLARE_BASE_URL.
}

data "cni_slots" "free" {
  site     = var.site
  speed    = "10G"
  occupied = false
}

resource "cni_interconnect" "port" {
  type = "direct"
  # Pinned at the first apply: once the port occupies it, the slot is no longer free.
  slot_id = data.cni_slots.free.slots[0].id

  lifecycle {
    ignore_changes = [slot_id]
  }
}

data "cni_interconnect_loa" "port" {
  name     = cni_interconnect.port.name
  loa_name = "Example Corp"
}

# The LOA as a file, without any other provider.
resource "terraform_data" "loa_file" {
  triggers_replace = [cni_interconnect.port.name]

  provisioner "local-exec" {
    command = "echo '${data.cni_interconnect_loa.port.content_base64}' | base64 -d > loa-${cni_interconnect.port.name}.pdf"
  }
}

# The link as it is now (the resource's status is the one seen at create).
data "cni_interconnect" "port" {
  name       = cni_interconnect.port.name
  depends_on = [cni_interconnect.port]
}

# Says, at every plan, whether the link is up.
check "port_is_up" {
  assert {
    condition     = data.cni_interconnect.port.status == "Healthy"
    error_message = "Port ${cni_interconnect.port.name} is ${data.cni_interconnect.port.status}: order the cross-connect with the LOA, then apply with -var cross_connect_installed=true."
  }
}

# What carries traffic over the link: made once the cross-connect is said to be installed, and only if
# the port really is Healthy. Refers to the port, so Terraform deletes it before the port.
resource "cni_connection" "edge" {
  count        = var.cross_connect_installed ? 1 : 0
  interconnect = cni_interconnect.port.name
  magic = {
    conduit_name = "edge-${var.site}"
    description  = "Port ${cni_interconnect.port.name}"
    mtu          = 1500
  }
  bgp = {
    customer_asn   = 65001
    extra_prefixes = ["203.0.113.0/24"]
    md5_key        = var.bgp_md5_key
  }
  bgp_mode = "dynamic_route_exchange"

  lifecycle {
    precondition {
      condition     = data.cni_interconnect.port.status == "Healthy"
      error_message = "The cross-connect is said to be installed, but the port is not Healthy yet."
    }
  }
}

output "port" {
  value = cni_interconnect.port.name
}

output "link" {
  value = data.cni_interconnect.port.status
}

output "loa_file" {
  value = "loa-${cni_interconnect.port.name}.pdf"
}

output "customer_address" {
  description = "Configure this address on the router's end of the link (null until the connection exists)."
  value       = one(cni_connection.edge[*].cust_ip)
}
