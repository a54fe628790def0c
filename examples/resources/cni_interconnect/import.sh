# <account_id>/<name>, or <name> alone when the provider sets account_id.
terraform import cni_interconnect.port 023e105f4ecef8ad9ca31a8372d0c353/icon-000123
