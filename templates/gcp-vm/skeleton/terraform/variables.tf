variable "name" {
  description = "Name of the instance."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,40}$", var.name))
    error_message = "The name must be 3 to 41 lower-case letters, digits or dashes, starting with a letter."
  }
}

variable "project" {
  description = "Project id to create the instance in."
  type        = string
}

variable "zone" {
  description = "Compute Engine zone."
  type        = string
}

variable "machine_type" {
  description = "Machine type."
  type        = string
  default     = "e2-small"
}

variable "disk_size_gb" {
  description = "Size of the boot disk in GB."
  type        = number
  default     = 20
}

variable "network" {
  description = "VPC network of the instance."
  type        = string
  default     = "default"
}

# Ownership labels: the multicloud entity provider reads owner, system and
# component to set spec.owner, spec.system and dependencyOf of the Resource
# entity it creates. GCP label values allow lower-case letters, digits, "_"
# and "-", which entity names satisfy.
variable "owner" {
  description = "Owning group (entity name), written to the owner label."
  type        = string
}

variable "system" {
  description = "System (entity name), written to the system label."
  type        = string
}

variable "component" {
  description = "Component (entity name) the instance serves, written to the component label; empty for none."
  type        = string
  default     = ""
}
