# Terraform 1.12 and later: import the account's settings by their identity.
import {
  to = cni_settings.this
  identity = {
    account_id = "023e105f4ecef8ad9ca31a8372d0c353"
  }
}

resource "cni_settings" "this" {
  default_asn = 65010
}
