terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }

  # Partial configuration: bucket, region and locking come from the backend
  # profile multicloud.iac.terraform.backends.aws; the terraform actions derive
  # the state key from the owning team and the name
  # (<keyPrefix>/group/<namespace>/<team>/aws-vm.<name>.tfstate).
  backend "s3" {}
}

provider "aws" {
  region = var.region
}
