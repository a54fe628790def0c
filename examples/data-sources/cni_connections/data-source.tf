data "cni_connections" "on_port" {
  interconnect = "icon-000123"
}

output "conduits" {
  value = data.cni_connections.on_port.connections[*].magic.conduit_name
}
