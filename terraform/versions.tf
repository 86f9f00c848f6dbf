# Exact pins: a plan made today and one made next year install the same provider. Bump on purpose
# (and re-run `terraform init -upgrade` + plan), never by accident.
terraform {
  required_version = ">= 1.6.0, < 2.0.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = merge(var.tags, { "app" = "shardcast", "shardcast:prefix" = var.name_prefix })
  }
}
