data "cni_slots" "free" {
  site     = "ewr01"
  speed    = "10G"
  occupied = false
}

output "free_slot_ids" {
  value = data.cni_slots.free.slots[*].id
}
