# Terraform 1.5 and later: import an existing interconnect by its ID, <account_id>/<name>, or <name>
# alone when the provider sets account_id.
import {
  to = cni_interconnect.port
  id = "023e105f4ecef8ad9ca31a8372d0c353/icon-000123"
}

resource "cni_interconnect" "port" {
  type    = "direct"
  slot_id = "182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e"
}
