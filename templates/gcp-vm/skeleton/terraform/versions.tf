terraform {
  required_version = ">= 1.5.0"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 6.0"
    }
  }

  # Partial configuration: the bucket comes from the backend profile
  # multicloud.iac.terraform.backends.gcp, the prefix from the template
  # (vms/gcp/<name>).
  backend "gcs" {}
}

provider "google" {
  project = var.project
  zone    = var.zone
}
