data "cni_interconnects" "gcp" {
  type           = "gcp_partner"
  include_status = true
}

output "unhealthy_attachments" {
  value = [for ic in data.cni_interconnects.gcp.interconnects : ic.name if ic.status != "Healthy"]
}
