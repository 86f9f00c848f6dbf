variable "name_prefix" {
  type        = string
  description = "Prefix of resource names."
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key of the SNS topic, the schedule and the state machine's log group."
}

variable "job_name" {
  type        = string
  description = "The job retrained."
}

variable "schedule_expression" {
  type        = string
  description = "EventBridge Scheduler cron expression."
}

variable "schedule_timezone" {
  type        = string
  description = "Time zone of the cron expression."
}

variable "alert_emails" {
  type        = list(string)
  description = "E-mail subscribers of the failure topic."
}

variable "create_cluster_parameters" {
  type        = any
  description = "RunJobFlow parameters of the prepare cluster (from the flink_emr module)."
}

variable "prepare_step" {
  type        = any
  description = "The EMR step running prepare (from the flink_emr module)."
}

variable "emr_pass_role_arns" {
  type        = list(string)
  description = "Roles the state machine may pass to EMR."
}

variable "prepare_timeout_minutes" {
  type        = number
  description = "Timeout of the prepare step."
}

variable "train_timeout_minutes" {
  type        = number
  description = "Timeout of one training attempt (the run's timeout counts two)."
}

variable "job_queue_arn" {
  type        = string
  description = "Batch job queue."
}

variable "job_definition_arn" {
  type        = string
  description = "Batch job definition ARN."
}

variable "job_definition_name" {
  type        = string
  description = "Batch job definition name."
}

variable "job_config_uri" {
  type        = string
  description = "s3:// URI of the job file."
}

variable "shards_output_setting" {
  type        = string
  description = "--set shards.output=... for the commands run on Batch."
}

variable "models_bucket" {
  type        = string
  description = "Models bucket name (train.output of each run)."
}

variable "log_retention_days" {
  type        = number
  description = "State machine log retention."
}
