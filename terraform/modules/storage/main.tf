# The four buckets. Layout (the IAM policies of the other modules grant exactly these prefixes):
#   raw        anything: the job file's input.path globs point here (read by prepare only)
#   shards     <job>/ = shards.output: manifest, train/ val/ test/, quarantine/, quality report
#   models     <job>/ = the job's model registry (docs/registry.md): models/<run-id>/ (train.output),
#              current.json (the served run) and registry.jsonl (its log)
#   artifacts  jars/ (the Flink job jar), jobs/<job>.yaml (job files), emr-logs/

terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
}

data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

locals {
  # Bucket names are global: the account and region make the same prefix usable everywhere.
  suffix = "${data.aws_caller_identity.current.account_id}-${data.aws_region.current.name}"
}

module "raw" {
  source        = "../bucket"
  name          = "${var.name_prefix}-raw-${local.suffix}"
  kms_key_arn   = var.kms_key_arn
  versioning    = true
  force_destroy = var.force_destroy
}

# Versioned so that a prepare run replacing the shards keeps the previous ones as noncurrent
# versions for shard_noncurrent_days (a training run that started on them can finish), then S3
# deletes them: that is the "old shards" rule, whatever the job's prefix.
module "shards" {
  source        = "../bucket"
  name          = "${var.name_prefix}-shards-${local.suffix}"
  kms_key_arn   = var.kms_key_arn
  versioning    = true
  force_destroy = var.force_destroy
  lifecycle_rules = [
    {
      id              = "old-shards"
      prefix          = ""
      noncurrent_days = var.shard_noncurrent_days
    },
    {
      # Quarantined rows are copies of raw rows, often the odd ones: kept for review, not forever.
      id              = "quarantine"
      prefix          = "${var.job_name}/quarantine/"
      expire_days     = var.quarantine_retention_days
      noncurrent_days = 1
    },
  ]
}

# Versioning is required here: the registry's `current` pointer is overwritten on promotion, and
# a previous version is the last line of defence behind `shardcast promote <job> <run-id>`.
module "models" {
  source        = "../bucket"
  name          = "${var.name_prefix}-models-${local.suffix}"
  kms_key_arn   = var.kms_key_arn
  versioning    = true
  force_destroy = var.force_destroy
}

module "artifacts" {
  source        = "../bucket"
  name          = "${var.name_prefix}-artifacts-${local.suffix}"
  kms_key_arn   = var.kms_key_arn
  versioning    = true
  force_destroy = var.force_destroy
  lifecycle_rules = [
    {
      id              = "emr-logs"
      prefix          = "emr-logs/"
      expire_days     = 30
      noncurrent_days = 1
    },
  ]
}
