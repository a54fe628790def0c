variable "md5_key" {
  type      = string
  sensitive = true
}

resource "cni_interconnect" "port" {
  type    = "direct"
  slot_id = "3f4b6c57-1a0e-4d0b-9a7e-2b6c1f0e9d21"
  speed   = "10G"
}

resource "cni_connection" "edge" {
  interconnect = cni_interconnect.port.name
  magic = {
    conduit_name = "edge-ewr-1"
    description  = "EWR port 1"
    mtu          = 1500
  }
  bgp = {
    customer_asn   = 65001
    extra_prefixes = ["203.0.113.0/24"]
    md5_key        = var.md5_key
  }
  bgp_mode = "dynamic_route_exchange"
}
