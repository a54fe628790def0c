# What the mocked cni provider returns for the computed attributes of a cni_interconnect: the values
# the API gives a new, Healthy GCP Partner Interconnect attachment (those left out get generated values).
mock_resource "cni_interconnect" {
  defaults = {
    id                          = "icon-000001"
    name                        = "icon-000001"
    status                      = "Healthy"
    region                      = "us-central1"
    speed                       = "1G"
    owner                       = "023e105f4ecef8ad9ca31a8372d0c353"
    ccr_device_name             = "gcp-partner-ccr-1"
    virtual_port_reservation_id = "vpr-000001"
  }
}
