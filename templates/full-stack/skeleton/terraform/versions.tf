terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }

  # Partial configuration: bucket, region and locking come from the backend
  # profile multicloud.iac.terraform.backends.aws, the state key from the
  # template (stacks/<name>.tfstate).
  backend "s3" {}
}

provider "aws" {
  region = var.region
}
