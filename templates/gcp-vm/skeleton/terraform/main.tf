locals {
  labels = {
    for key, value in {
      owner        = var.owner
      system       = var.system
      component    = var.component
      "managed-by" = "backstage"
    } : key => lower(value) if value != ""
  }
}

resource "google_compute_instance" "vm" {
  name         = var.name
  machine_type = var.machine_type
  zone         = var.zone
  labels       = local.labels

  boot_disk {
    initialize_params {
      image  = "debian-cloud/debian-12"
      size   = var.disk_size_gb
      labels = local.labels
    }
  }

  network_interface {
    network = var.network
  }

  shielded_instance_config {
    enable_secure_boot          = true
    enable_vtpm                 = true
    enable_integrity_monitoring = true
  }

  metadata = {
    enable-oslogin = "TRUE"
  }
}
