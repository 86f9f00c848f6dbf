# shardcast on AWS: buckets, a transient EMR Flink cluster for `prepare`, AWS Batch GPU training,
# and a scheduled Step Functions run that chains them. Each module owns its IAM roles, so a role's
# rights sit next to the thing that uses them (see README "Production: AWS with Terraform").

module "storage" {
  source = "./modules/storage"

  name_prefix               = var.name_prefix
  kms_key_arn               = var.kms_key_arn
  job_name                  = var.job_name
  shard_noncurrent_days     = var.shard_noncurrent_days
  quarantine_retention_days = var.quarantine_retention_days
  force_destroy             = var.force_destroy_buckets
}

module "flink" {
  source = "./modules/flink_emr"

  name_prefix                 = var.name_prefix
  kms_key_arn                 = var.kms_key_arn
  subnet_id                   = var.subnet_ids[0]
  job_name                    = var.job_name
  raw_bucket_arn              = module.storage.raw_bucket_arn
  shards_bucket_arn           = module.storage.shards_bucket_arn
  shards_uri                  = module.storage.job_shards_uri
  artifacts_bucket_arn        = module.storage.artifacts_bucket_arn
  artifacts_bucket            = module.storage.artifacts_bucket
  release_label               = var.emr_release_label
  primary_instance_type       = var.flink_primary_instance_type
  core_instance_type          = var.flink_core_instance_type
  core_instance_count         = var.flink_core_instance_count
  core_market                 = var.flink_core_market
  task_slots_per_node         = var.flink_task_slots_per_node
  taskmanager_memory          = var.flink_taskmanager_memory
  idle_safety_timeout_minutes = var.flink_idle_safety_timeout_minutes
}

module "training" {
  source = "./modules/training_batch"

  name_prefix           = var.name_prefix
  kms_key_arn           = var.kms_key_arn
  vpc_id                = var.vpc_id
  subnet_ids            = var.subnet_ids
  job_name              = var.job_name
  shards_bucket_arn     = module.storage.shards_bucket_arn
  shards_uri            = module.storage.job_shards_uri
  models_bucket_arn     = module.storage.models_bucket_arn
  models_bucket         = module.storage.models_bucket
  artifacts_bucket_arn  = module.storage.artifacts_bucket_arn
  artifacts_bucket      = module.storage.artifacts_bucket
  gpu_instance_types    = var.gpu_instance_types
  max_vcpus             = var.batch_max_vcpus
  train_vcpus           = var.train_vcpus
  train_memory_mib      = var.train_memory_mib
  train_gpus            = var.train_gpus
  image_tag             = var.training_image_tag
  train_timeout_minutes = var.train_timeout_minutes
  log_retention_days    = var.log_retention_days
}

module "pipeline" {
  source = "./modules/pipeline"

  name_prefix               = var.name_prefix
  kms_key_arn               = var.kms_key_arn
  job_name                  = var.job_name
  schedule_expression       = var.retrain_schedule
  schedule_timezone         = var.schedule_timezone
  alert_emails              = var.alert_emails
  create_cluster_parameters = module.flink.create_cluster_parameters
  prepare_step              = module.flink.prepare_step
  emr_pass_role_arns        = module.flink.pass_role_arns
  prepare_timeout_minutes   = var.prepare_timeout_minutes
  train_timeout_minutes     = var.train_timeout_minutes
  job_queue_arn             = module.training.job_queue_arn
  job_definition_arn        = module.training.job_definition_arn
  job_definition_name       = module.training.job_definition_name
  job_config_uri            = module.training.job_config_uri
  shards_output_setting     = module.training.shards_output_setting
  models_bucket             = module.storage.models_bucket
  log_retention_days        = var.log_retention_days
}
