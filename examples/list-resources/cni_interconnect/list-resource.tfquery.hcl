# Every interconnect of the provider's account; `terraform query -generate-config-out=found.tf`
# writes an import block and a resource block for each.
list "cni_interconnect" "all" {
  provider = cni
}

# Only the direct ports at one site, each with its whole object (status included).
list "cni_interconnect" "ewr_ports" {
  provider         = cni
  include_resource = true

  config {
    type = "direct"
    site = "ewr01"
  }
}
