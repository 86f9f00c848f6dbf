output "repository_url" {
  description = "ECR repository to push the training image to."
  value       = aws_ecr_repository.training.repository_url
}

output "job_queue_arn" {
  description = "Batch job queue of training and the promotion gate."
  value       = aws_batch_job_queue.training.arn
}

output "job_definition_arn" {
  description = "Batch job definition (with its revision)."
  value       = aws_batch_job_definition.train.arn
}

output "job_definition_name" {
  description = "Batch job definition name (submitJob's IAM resource is name:*)."
  value       = aws_batch_job_definition.train.name
}

output "shards_output_setting" {
  description = "The --set that points a command at the job's shards."
  value       = local.shards_output
}

output "job_config_uri" {
  description = "Where the job file must be uploaded."
  value       = local.job_config_uri
}
