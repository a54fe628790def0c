# Terraform 1.12 and later: import an existing interconnect by its identity. account_id may be left
# out; the provider's is used.
import {
  to = cni_interconnect.port
  identity = {
    name = "icon-000123"
  }
}

resource "cni_interconnect" "port" {
  type    = "direct"
  slot_id = "182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e"
}
