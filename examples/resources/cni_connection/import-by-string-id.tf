# Terraform 1.5 and later: import a connection by its ID.
import {
  to = cni_connection.edge
  id = "023e105f4ecef8ad9ca31a8372d0c353/8f0d1c5e-7e5b-4c47-9a3b-1f7c1e0b2a11"
}
