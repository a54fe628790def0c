variable "bandwidths" {
  type    = list(string)
  default = ["1G", "500M"]
}

output "total_mbps" {
  value = sum([for b in var.bandwidths : provider::cni::bandwidth_mbps(b)])
}
