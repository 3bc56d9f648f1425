output "instance_id" {
  description = "EC2 instance id; the Resource entity's multicloud.io/resource-id."
  value       = aws_instance.vm.id
}

output "private_ip" {
  description = "Private IPv4 address."
  value       = aws_instance.vm.private_ip
}

output "public_ip" {
  description = "Public IPv4 address, empty in a subnet without one."
  value       = aws_instance.vm.public_ip
}

output "console_url" {
  description = "The instance in the AWS console."
  value       = "https://${var.region}.console.aws.amazon.com/ec2/home?region=${var.region}#InstanceDetails:instanceId=${aws_instance.vm.id}"
}
