resource "cni_interconnect" "port" {
  type    = "direct"
  slot_id = "182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e"

  lifecycle {
    # Optional: wait for the port right after its create. Without it, wait on demand with
    # terraform apply -invoke=action.cni_interconnect_wait.port_up
    action_trigger {
      events  = [after_create]
      actions = [action.cni_interconnect_wait.port_up]
    }
  }
}

action "cni_interconnect_wait" "port_up" {
  config {
    name    = cni_interconnect.port.name
    status  = "Healthy"
    timeout = "2h"
  }
}
