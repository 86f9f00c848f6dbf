output "raw_bucket" {
  description = "Bucket for raw data: point the job file's input.path here (s3://BUCKET/...)."
  value       = module.storage.raw_bucket
}

output "shards_bucket" {
  description = "Bucket of shards, manifests, quality reports and quarantine (<job_name>/)."
  value       = module.storage.shards_bucket
}

output "models_bucket" {
  description = "Bucket of the model registry (<job_name>/models/<run-id>/)."
  value       = module.storage.models_bucket
}

output "artifacts_bucket" {
  description = "Bucket of the job jar, job files and EMR logs."
  value       = module.storage.artifacts_bucket
}

output "job_jar_uri" {
  description = "Upload the Flink job jar (mvn -Pflink-job) here."
  value       = module.flink.job_jar_uri
}

output "job_config_uri" {
  description = "Upload the job file here."
  value       = module.training.job_config_uri
}

output "training_repository_url" {
  description = "Push the training image (terraform/docker/Dockerfile) here, tagged training_image_tag."
  value       = module.training.repository_url
}

output "state_machine_arn" {
  description = "The retraining state machine."
  value       = module.pipeline.state_machine_arn
}

output "alerts_topic_arn" {
  description = "SNS topic of failed runs."
  value       = module.pipeline.alerts_topic_arn
}

output "schedule_name" {
  description = "The EventBridge Scheduler schedule that starts retraining."
  value       = module.pipeline.schedule_name
}
