data "cni_interconnect" "port" {
  name = "icon-000123"
}

output "port_status" {
  value = data.cni_interconnect.port.status
}
