output "vm_id" {
  description = "ARM id of the virtual machine; the Resource entity's multicloud.io/resource-id (lower-cased)."
  value       = azurerm_linux_virtual_machine.vm.id
}

output "private_ip" {
  description = "Private IPv4 address."
  value       = azurerm_linux_virtual_machine.vm.private_ip_address
}

output "console_url" {
  description = "The machine in the Azure portal."
  value       = "https://portal.azure.com/#@/resource${azurerm_linux_virtual_machine.vm.id}/overview"
}
