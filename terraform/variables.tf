# Every input is typed, described and validated here, at the root: the modules trust what they get.

variable "name_prefix" {
  type        = string
  description = "Prefix of every resource name (buckets get the account id and region appended to stay globally unique)."
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,18}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix: 3-20 characters, lower-case letters, digits and '-', starting with a letter."
  }
}

variable "region" {
  type        = string
  description = "AWS region of every resource (GPU instance types and EMR releases differ per region)."
  default     = "us-east-1"
  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region: an AWS region name such as us-east-1."
  }
}

variable "kms_key_arn" {
  type        = string
  description = "ARN of the customer-managed KMS key that encrypts the buckets, EMR disks, the ECR repository, logs and the SNS topic. Its key policy must let S3, EMR, SNS, CloudWatch Logs and EventBridge use it (README)."
  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-f-]{36}$", var.kms_key_arn))
    error_message = "kms_key_arn: a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/UUID), not an alias."
  }
}

variable "vpc_id" {
  type        = string
  description = "VPC of the Batch compute environment's security group (the subnets must be in it)."
  validation {
    condition     = can(regex("^vpc-[0-9a-f]{8,17}$", var.vpc_id))
    error_message = "vpc_id: a VPC id such as vpc-0123456789abcdef0."
  }
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnets with a route to S3 (gateway endpoint) and ECR/EMR/Batch (NAT or interface endpoints). EMR uses the first; Batch uses all."
  validation {
    condition     = length(var.subnet_ids) > 0 && alltrue([for s in var.subnet_ids : can(regex("^subnet-[0-9a-f]{8,17}$", s))])
    error_message = "subnet_ids: at least one subnet id such as subnet-0123456789abcdef0."
  }
}

variable "job_name" {
  type        = string
  description = "The shardcast job the schedule retrains: its job file is s3://<artifacts>/jobs/<job_name>.yaml, its shards s3://<shards>/<job_name>/, its models s3://<models>/<job_name>/models/<run-id>/."
  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,62}$", var.job_name))
    error_message = "job_name: 1-63 characters, lower-case letters, digits and '-'."
  }
}

variable "retrain_schedule" {
  type        = string
  description = "EventBridge Scheduler cron expression for retraining: cron(minutes hours day-of-month month day-of-week year), one of the two day fields '?'."
  default     = "cron(0 3 * * ? *)"
  validation {
    # Shape only (six fields, one day field '?'); the Java test checks every field's values.
    condition     = can(regex("^cron\\(\\S+ \\S+ (\\?|\\S+) \\S+ (\\?|\\S+) \\S+\\)$", var.retrain_schedule)) && length(regexall("\\?", var.retrain_schedule)) == 1
    error_message = "retrain_schedule: cron(min hour day-of-month month day-of-week year) with exactly one of the day fields '?', e.g. cron(0 3 * * ? *)."
  }
}

variable "schedule_timezone" {
  type        = string
  description = "IANA time zone the cron expression is read in."
  default     = "UTC"
  validation {
    condition     = can(regex("^(UTC|[A-Za-z]+/[A-Za-z_+-]+(/[A-Za-z_+-]+)?)$", var.schedule_timezone))
    error_message = "schedule_timezone: UTC or an IANA name such as Europe/Berlin."
  }
}

variable "alert_emails" {
  type        = list(string)
  description = "Addresses subscribed to the failure topic (each must confirm the subscription mail)."
  default     = []
  validation {
    condition     = alltrue([for e in var.alert_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "alert_emails: plain e-mail addresses."
  }
}

variable "shard_noncurrent_days" {
  type        = number
  description = "Days a replaced or deleted shard (a previous prepare run's, kept as a noncurrent version) stays before S3 deletes it."
  default     = 14
  validation {
    condition     = var.shard_noncurrent_days >= 1 && var.shard_noncurrent_days <= 365
    error_message = "shard_noncurrent_days: 1 to 365."
  }
}

variable "quarantine_retention_days" {
  type        = number
  description = "Days the job's quarantined rows (<job_name>/quarantine/, original bad rows) are kept."
  default     = 90
  validation {
    condition     = var.quarantine_retention_days >= 1 && var.quarantine_retention_days <= 3650
    error_message = "quarantine_retention_days: 1 to 3650."
  }
}

variable "force_destroy_buckets" {
  type        = bool
  description = "Let `terraform destroy` delete non-empty buckets (data included). Keep false in production."
  default     = false
  validation {
    condition     = var.force_destroy_buckets == true || var.force_destroy_buckets == false
    error_message = "force_destroy_buckets: true or false."
  }
}

variable "emr_release_label" {
  type        = string
  description = "EMR release of the prepare cluster: one whose Flink is 1.19 (this build's Beam runner is beam-runners-flink-1.19)."
  default     = "emr-7.4.0"
  validation {
    # EMR 7.4.0 upgraded Flink to 1.19.1; 7.7.0 moved to 1.20 (EMR Flink release history).
    condition     = can(regex("^emr-7\\.[4-6]\\.[0-9]+$", var.emr_release_label))
    error_message = "emr_release_label: emr-7.4.x to emr-7.6.x (Flink 1.19); emr-7.7+ ships Flink 1.20."
  }
}

variable "flink_primary_instance_type" {
  type        = string
  description = "Instance type of the EMR primary node (YARN ResourceManager, Flink client)."
  default     = "m6i.xlarge"
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]*\\.[0-9]*[a-z]+$", var.flink_primary_instance_type))
    error_message = "flink_primary_instance_type: an EC2 instance type such as m6i.xlarge."
  }
}

variable "flink_core_instance_type" {
  type        = string
  description = "Instance type of the EMR core nodes (Flink TaskManagers)."
  default     = "m6i.4xlarge"
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]*\\.[0-9]*[a-z]+$", var.flink_core_instance_type))
    error_message = "flink_core_instance_type: an EC2 instance type such as m6i.4xlarge."
  }
}

variable "flink_core_instance_count" {
  type        = number
  description = "Number of EMR core nodes; the job's parallelism is this times flink_task_slots_per_node."
  default     = 2
  validation {
    condition     = var.flink_core_instance_count >= 1 && var.flink_core_instance_count <= 100 && floor(var.flink_core_instance_count) == var.flink_core_instance_count
    error_message = "flink_core_instance_count: a whole number from 1 to 100."
  }
}

variable "flink_core_market" {
  type        = string
  description = "ON_DEMAND or SPOT for the core nodes (SPOT is cheaper; a reclaimed node fails the run, which the next schedule retries)."
  default     = "ON_DEMAND"
  validation {
    condition     = contains(["ON_DEMAND", "SPOT"], var.flink_core_market)
    error_message = "flink_core_market: ON_DEMAND or SPOT."
  }
}

variable "flink_task_slots_per_node" {
  type        = number
  description = "taskmanager.numberOfTaskSlots: one slot per core is the README's starting point."
  default     = 16
  validation {
    condition     = var.flink_task_slots_per_node >= 1 && var.flink_task_slots_per_node <= 192
    error_message = "flink_task_slots_per_node: 1 to 192."
  }
}

variable "flink_taskmanager_memory" {
  type        = string
  description = "taskmanager.memory.process.size; must fit the core node's YARN memory (about 85% of the instance's)."
  default     = "48g"
  validation {
    condition     = can(regex("^[0-9]+[mg]$", var.flink_taskmanager_memory))
    error_message = "flink_taskmanager_memory: a Flink memory size such as 48g or 4096m."
  }
}

variable "flink_idle_safety_timeout_minutes" {
  type        = number
  description = "EMR auto-termination after this idle time: a safety net should the state machine fail to terminate the cluster."
  default     = 60
  validation {
    condition     = var.flink_idle_safety_timeout_minutes >= 1 && var.flink_idle_safety_timeout_minutes <= 10080
    error_message = "flink_idle_safety_timeout_minutes: 1 to 10080 (EMR allows 60 s to 7 days)."
  }
}

variable "prepare_timeout_minutes" {
  type        = number
  description = "Longest a prepare step may run before the run fails (and the cluster is terminated)."
  default     = 240
  validation {
    condition     = var.prepare_timeout_minutes >= 5 && var.prepare_timeout_minutes <= 1440
    error_message = "prepare_timeout_minutes: 5 to 1440."
  }
}
