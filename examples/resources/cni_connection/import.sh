# The account and the connection's UUID (or the UUID alone when the provider sets account_id).
terraform import cni_connection.edge 023e105f4ecef8ad9ca31a8372d0c353/8f0d1c5e-7e5b-4c47-9a3b-1f7c1e0b2a11
