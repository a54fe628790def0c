# Terraform 1.12 and later: import a connection by its identity.
import {
  to = cni_connection.edge
  identity = {
    id = "8f0d1c5e-7e5b-4c47-9a3b-1f7c1e0b2a11"
  }
}
