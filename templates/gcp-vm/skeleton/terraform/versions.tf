terraform {
  required_version = ">= 1.5.0"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 6.0"
    }
  }

  # Partial configuration: the bucket comes from the backend profile
  # multicloud.iac.terraform.backends.gcp; the terraform actions derive the
  # prefix from the owning team and the name
  # (<keyPrefix>/group/<namespace>/<team>/gcp-vm.<project>.<name>).
  backend "gcs" {}
}

provider "google" {
  project = var.project
  zone    = var.zone
}
