output "raw_bucket" {
  description = "Raw data bucket name."
  value       = module.raw.name
}

output "raw_bucket_arn" {
  description = "Raw data bucket ARN."
  value       = module.raw.arn
}

output "shards_bucket" {
  description = "Shards and reports bucket name."
  value       = module.shards.name
}

output "shards_bucket_arn" {
  description = "Shards and reports bucket ARN."
  value       = module.shards.arn
}

output "job_shards_uri" {
  description = "shards.output of the scheduled job: every step that reads or writes shards uses this."
  value       = "s3://${module.shards.name}/${var.job_name}"
}

output "models_bucket" {
  description = "Model registry bucket name."
  value       = module.models.name
}

output "models_bucket_arn" {
  description = "Model registry bucket ARN."
  value       = module.models.arn
}

output "artifacts_bucket" {
  description = "Job jar, job files and EMR logs bucket name."
  value       = module.artifacts.name
}

output "artifacts_bucket_arn" {
  description = "Job jar, job files and EMR logs bucket ARN."
  value       = module.artifacts.arn
}
