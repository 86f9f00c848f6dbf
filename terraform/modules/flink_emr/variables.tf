variable "name_prefix" {
  type        = string
  description = "Prefix of role, profile and cluster names."
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key for EMRFS, EBS and local disk encryption."
}

variable "subnet_id" {
  type        = string
  description = "Subnet of the transient cluster."
}

variable "job_name" {
  type        = string
  description = "The job prepare runs (its job file and output prefix)."
}

variable "raw_bucket_arn" {
  type        = string
  description = "Raw data bucket ARN (read)."
}

variable "shards_bucket_arn" {
  type        = string
  description = "Shards bucket ARN (write under <job_name>/)."
}

variable "shards_uri" {
  type        = string
  description = "shards.output of the job (s3://<shards>/<job_name>)."
}

variable "artifacts_bucket_arn" {
  type        = string
  description = "Artifacts bucket ARN (jar and job file read, EMR logs written)."
}

variable "artifacts_bucket" {
  type        = string
  description = "Artifacts bucket name."
}

variable "release_label" {
  type        = string
  description = "EMR release (Flink 1.19)."
}

variable "primary_instance_type" {
  type        = string
  description = "Primary node instance type."
}

variable "core_instance_type" {
  type        = string
  description = "Core node instance type."
}

variable "core_instance_count" {
  type        = number
  description = "Core node count."
}

variable "core_market" {
  type        = string
  description = "ON_DEMAND or SPOT for the core nodes."
}

variable "task_slots_per_node" {
  type        = number
  description = "Flink task slots per TaskManager."
}

variable "taskmanager_memory" {
  type        = string
  description = "taskmanager.memory.process.size."
}

variable "idle_safety_timeout_minutes" {
  type        = number
  description = "EMR auto-termination idle timeout."
}
