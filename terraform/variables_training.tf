# Inputs of the training side (Batch) and of cross-cutting settings; split from variables.tf for length.

variable "gpu_instance_types" {
  type        = list(string)
  description = "GPU instance types Batch may launch for training (CUDA 12.4 needs an NVIDIA driver >= 550, which the ECS GPU AMI has)."
  default     = ["g5.xlarge", "g5.2xlarge"]
  validation {
    condition     = length(var.gpu_instance_types) > 0 && alltrue([for t in var.gpu_instance_types : can(regex("^(g4dn|g5|g6|g6e|gr6|p3|p3dn|p4d|p4de|p5|p5e)\\.[0-9]*[a-z]+$", t))])
    error_message = "gpu_instance_types: NVIDIA GPU instance types (g4dn, g5, g6, g6e, gr6, p3, p4d, p5 families)."
  }
}

variable "batch_max_vcpus" {
  type        = number
  description = "Upper bound of vCPUs the GPU compute environment scales to (it scales to 0 when idle)."
  default     = 16
  validation {
    condition     = var.batch_max_vcpus >= 4 && var.batch_max_vcpus <= 1024
    error_message = "batch_max_vcpus: 4 to 1024."
  }
}

variable "train_vcpus" {
  type        = number
  description = "vCPUs of one training job (the shard reader's decode threads run on them)."
  default     = 4
  validation {
    condition     = var.train_vcpus >= 1 && var.train_vcpus <= 192
    error_message = "train_vcpus: 1 to 192."
  }
}

variable "train_memory_mib" {
  type        = number
  description = "Memory of one training job in MiB (leave ~1 GiB of the instance to the ECS agent)."
  default     = 15000
  validation {
    condition     = var.train_memory_mib >= 2048
    error_message = "train_memory_mib: at least 2048."
  }
}

variable "train_gpus" {
  type        = number
  description = "GPUs of one training job (DJL trains on every GPU it sees)."
  default     = 1
  validation {
    condition     = var.train_gpus >= 1 && var.train_gpus <= 8
    error_message = "train_gpus: 1 to 8."
  }
}

variable "train_timeout_minutes" {
  type        = number
  description = "Longest one training (or gate) attempt may run before Batch stops it."
  default     = 720
  validation {
    condition     = var.train_timeout_minutes >= 5 && var.train_timeout_minutes <= 10080
    error_message = "train_timeout_minutes: 5 to 10080."
  }
}

variable "training_image_tag" {
  type        = string
  description = "Tag of the training image pushed to the ECR repository (tags are immutable there; 'latest' is refused)."
  default     = "0.1.0"
  validation {
    condition     = can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", var.training_image_tag)) && var.training_image_tag != "latest"
    error_message = "training_image_tag: a Docker tag other than 'latest'."
  }
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the Batch and Step Functions log groups."
  default     = 30
  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days: one of CloudWatch Logs' retention values (1, 3, 5, 7, 14, 30, 60, 90, ...)."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every resource (through the provider's default_tags)."
  default     = {}
  validation {
    condition     = length(var.tags) <= 40
    error_message = "tags: at most 40 (AWS allows 50 per resource; the modules add a few)."
  }
}
