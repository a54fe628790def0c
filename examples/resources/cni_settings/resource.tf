resource "cni_settings" "this" {
  default_asn = 65010
}
