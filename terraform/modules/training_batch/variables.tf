variable "name_prefix" {
  type        = string
  description = "Prefix of resource names."
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key of the ECR repository, the log group and the buckets."
}

variable "vpc_id" {
  type        = string
  description = "VPC of the compute environment's security group."
}

variable "subnet_ids" {
  type        = list(string)
  description = "Subnets of the compute environment."
}

variable "job_name" {
  type        = string
  description = "The job trained: its shard prefix (read) and model prefix (written)."
}

variable "shards_bucket_arn" {
  type        = string
  description = "Shards bucket ARN (read)."
}

variable "shards_uri" {
  type        = string
  description = "shards.output of the job: train reads the shards there."
}

variable "models_bucket_arn" {
  type        = string
  description = "Models bucket ARN (written)."
}

variable "models_bucket" {
  type        = string
  description = "Models bucket name."
}

variable "artifacts_bucket_arn" {
  type        = string
  description = "Artifacts bucket ARN (job file read)."
}

variable "artifacts_bucket" {
  type        = string
  description = "Artifacts bucket name."
}

variable "gpu_instance_types" {
  type        = list(string)
  description = "GPU instance types of the compute environment."
}

variable "max_vcpus" {
  type        = number
  description = "Compute environment vCPU ceiling."
}

variable "train_vcpus" {
  type        = number
  description = "vCPUs per training job."
}

variable "train_memory_mib" {
  type        = number
  description = "Memory per training job (MiB)."
}

variable "train_gpus" {
  type        = number
  description = "GPUs per training job."
}

variable "image_tag" {
  type        = string
  description = "Training image tag in the ECR repository."
}

variable "train_timeout_minutes" {
  type        = number
  description = "Batch attempt timeout."
}

variable "log_retention_days" {
  type        = number
  description = "Log group retention."
}
