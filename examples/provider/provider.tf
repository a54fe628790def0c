terraform {
  required_providers {
    cni = {
      source  = "cnilabs/cni"
      version = "~> 0.1"
    }
  }
}

# The token comes from CLOUDFLARE_API_TOKEN when api_token is not set.
provider "cni" {
  account_id = "023e105f4ecef8ad9ca31a8372d0c353"
}
