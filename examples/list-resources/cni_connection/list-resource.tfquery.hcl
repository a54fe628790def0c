# Every connection of the provider's account.
list "cni_connection" "all" {
  provider = cni
}

# Only the connections on one port.
list "cni_connection" "on_port" {
  provider = cni
  config {
    interconnect = "icon-000001"
  }
}
