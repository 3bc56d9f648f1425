variable "name" {
  description = "Name of the virtual machine; also its Name tag."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,40}$", var.name))
    error_message = "The name must be 3 to 41 lower-case letters, digits or dashes, starting with a letter."
  }
}

variable "region" {
  description = "AWS region of the instance."
  type        = string
}

variable "instance_type" {
  description = "EC2 instance type."
  type        = string
  default     = "t3.small"
}

variable "disk_size_gb" {
  description = "Size of the encrypted root volume in GiB."
  type        = number
  default     = 20
}

variable "ssh_key_name" {
  description = "Name of an existing EC2 key pair for SSH access; empty for none."
  type        = string
  default     = ""
}

variable "ssh_ingress_cidrs" {
  description = "Networks allowed to reach SSH (22) and the node exporter (9100)."
  type        = list(string)
  default     = []
}

variable "subnet_id" {
  description = "Subnet of the instance; empty for the default VPC's default subnet."
  type        = string
  default     = ""
}

# Ownership tags: the multicloud entity provider reads owner, system and
# component to set spec.owner, spec.system and dependencyOf of the Resource
# entity it creates for this instance.
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
