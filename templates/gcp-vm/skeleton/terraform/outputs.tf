output "instance_id" {
  description = "Numeric id of the instance."
  value       = google_compute_instance.vm.instance_id
}

output "self_link" {
  description = "Self link of the instance."
  value       = google_compute_instance.vm.self_link
}

output "private_ip" {
  description = "Internal IPv4 address."
  value       = google_compute_instance.vm.network_interface[0].network_ip
}

output "console_url" {
  description = "The instance in the Google Cloud console."
  value       = "https://console.cloud.google.com/compute/instancesDetail/zones/${var.zone}/instances/${var.name}?project=${var.project}"
}
