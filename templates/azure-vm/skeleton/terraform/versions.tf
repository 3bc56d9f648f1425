terraform {
  required_version = ">= 1.5.0"

  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.0"
    }
  }

  # Partial configuration: storage account and container come from the
  # backend profile multicloud.iac.terraform.backends.azure; the terraform
  # actions derive the state key from the owning team and the name
  # (<keyPrefix>/group/<namespace>/<team>/azure-vm.<name>.tfstate).
  backend "azurerm" {}
}

provider "azurerm" {
  features {}
  subscription_id = var.subscription_id != "" ? var.subscription_id : null
}
