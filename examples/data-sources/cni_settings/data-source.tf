data "cni_settings" "current" {}

output "default_asn" {
  value = data.cni_settings.current.default_asn
}
