data "cni_connection" "edge" {
  id = "8f0d1c5e-7e5b-4c47-9a3b-1f7c1e0b2a11"
}

output "customer_end" {
  value = data.cni_connection.edge.cust_ip
}
