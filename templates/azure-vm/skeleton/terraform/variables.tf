variable "name" {
  description = "Name of the virtual machine and prefix of its resources."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,40}$", var.name))
    error_message = "The name must be 3 to 41 lower-case letters, digits or dashes, starting with a letter."
  }
}

variable "subscription_id" {
  description = "Subscription to create the machine in; empty for the credentials' default (ARM_SUBSCRIPTION_ID)."
  type        = string
  default     = ""
}

variable "location" {
  description = "Azure region."
  type        = string
}

variable "vm_size" {
  description = "Virtual machine size."
  type        = string
  default     = "Standard_B2s"
}

variable "admin_username" {
  description = "Administrator account created on the machine."
  type        = string
  default     = "azureuser"
}

variable "ssh_public_key" {
  description = "OpenSSH public key of the administrator."
  type        = string
}

variable "address_space" {
  description = "Address space of the machine's virtual network."
  type        = string
  default     = "10.20.0.0/16"
}

# Ownership tags: the multicloud entity provider reads owner, system and
# component to set spec.owner, spec.system and dependencyOf of the Resource
# entities it creates for these resources.
variable "owner" {
  description = "Owning group (entity name), written to the owner tag."
  type        = string
}

variable "system" {
  description = "System (entity name), written to the system tag."
  type        = string
}

variable "component" {
  description = "Component (entity name) the machine serves, written to the component tag; empty for none."
  type        = string
  default     = ""
}
