data "cni_interconnect_loa" "port" {
  name     = "icon-000123"
  loa_name = "Example Corp"
}

output "loa_sha256" {
  value = data.cni_interconnect_loa.port.sha256
}
