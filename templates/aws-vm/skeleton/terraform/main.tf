locals {
  tags = {
    for key, value in {
      Name         = var.name
      owner        = var.owner
      system       = var.system
      component    = var.component
      "managed-by" = "backstage"
    } : key => value if value != ""
  }
}

data "aws_subnet" "selected" {
  count = var.subnet_id != "" ? 1 : 0
  id    = var.subnet_id
}

data "aws_vpc" "default" {
  count   = var.subnet_id == "" ? 1 : 0
  default = true
}

# Debian 12, published by Debian's own AWS account.
data "aws_ami" "debian" {
  most_recent = true
  owners      = ["136693071363"]

  filter {
    name   = "name"
    values = ["debian-12-amd64-*"]
  }

  filter {
    name   = "architecture"
    values = ["x86_64"]
  }
}

resource "aws_security_group" "vm" {
  name        = "${var.name}-vm"
  description = "Access to ${var.name}"
  vpc_id      = var.subnet_id != "" ? data.aws_subnet.selected[0].vpc_id : data.aws_vpc.default[0].id
  tags        = local.tags

  dynamic "ingress" {
    for_each = length(var.ssh_ingress_cidrs) > 0 ? [22, 9100] : []
    content {
      description = ingress.value == 22 ? "SSH" : "Prometheus node exporter"
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = var.ssh_ingress_cidrs
    }
  }

  egress {
    description = "All outbound traffic"
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_instance" "vm" {
  ami                    = data.aws_ami.debian.id
  instance_type          = var.instance_type
  subnet_id              = var.subnet_id != "" ? var.subnet_id : null
  key_name               = var.ssh_key_name != "" ? var.ssh_key_name : null
  vpc_security_group_ids = [aws_security_group.vm.id]
  tags                   = local.tags
  volume_tags            = local.tags

  metadata_options {
    http_tokens = "required"
  }

  root_block_device {
    encrypted   = true
    volume_size = var.disk_size_gb
    volume_type = "gp3"
  }
}
