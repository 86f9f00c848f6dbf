variable "name_prefix" {
  type        = string
  description = "Prefix of the bucket names."
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key of every bucket's default encryption."
}

variable "job_name" {
  type        = string
  description = "The scheduled job: its quarantine prefix gets its own expiry."
}

variable "shard_noncurrent_days" {
  type        = number
  description = "Days before replaced shards (noncurrent versions) are deleted."
}

variable "quarantine_retention_days" {
  type        = number
  description = "Days before the job's quarantined rows are deleted."
}

variable "force_destroy" {
  type        = bool
  description = "Let terraform destroy delete non-empty buckets."
}
