# Every interconnect of the provider's account; `terraform query -generate-config-out=found.tf`
# writes an import block and a resource block for each.
#
# Narrow it with a config block, e.g. only the direct ports at one site:
#   config {
#     type = "direct"
#     site = "ewr01"
#   }
# Generate from one list block at a time: two blocks that find the same interconnect would write two
# resources for it, and destroying either would delete the other's.
list "cni_interconnect" "all" {
  provider         = cni
  include_resource = true
}
