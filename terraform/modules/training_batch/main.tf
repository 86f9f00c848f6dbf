# GPU training on AWS Batch: an ECR repository for the image built from terraform/docker/Dockerfile,
# a managed EC2 compute environment of GPU instances that scales to zero, a queue and a job
# definition running `shardcast train` (and the promotion gate) in that image.

terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
}

data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

data "aws_partition" "current" {}

locals {
  job_config_uri = "s3://${var.artifacts_bucket}/jobs/${var.job_name}.yaml"
  # Set on the command line so that train reads where prepare wrote, whatever the job file says.
  shards_output = "shards.output=${var.shards_uri}"
}

resource "aws_ecr_repository" "training" {
  name = "${var.name_prefix}/training"
  # Immutable: a job definition's tag always means the same image.
  image_tag_mutability = "IMMUTABLE"
  image_scanning_configuration {
    scan_on_push = true
  }
  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = var.kms_key_arn
  }
}

resource "aws_cloudwatch_log_group" "training" {
  name              = "/aws/batch/${var.name_prefix}-training"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

# Egress only (S3, ECR, CloudWatch over HTTPS); nothing connects to a training instance.
resource "aws_security_group" "batch" {
  name        = "${var.name_prefix}-training"
  description = "shardcast GPU training: HTTPS egress only"
  vpc_id      = var.vpc_id

  egress {
    description = "HTTPS to S3, ECR, CloudWatch Logs (through the VPC's endpoints or NAT)"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_batch_compute_environment" "gpu" {
  compute_environment_name = "${var.name_prefix}-gpu"
  type                     = "MANAGED"
  # No service_role: Batch uses its service-linked role (AWSServiceRoleForBatch).

  compute_resources {
    type                = "EC2"
    allocation_strategy = "BEST_FIT_PROGRESSIVE"
    min_vcpus           = 0
    max_vcpus           = var.max_vcpus
    instance_type       = var.gpu_instance_types
    subnets             = var.subnet_ids
    security_group_ids  = [aws_security_group.batch.id]
    instance_role       = aws_iam_instance_profile.instance.arn

    # The ECS GPU AMI: NVIDIA driver and container toolkit, so the CUDA 12.4 image sees the GPU.
    ec2_configuration {
      image_type = "ECS_AL2_NVIDIA"
    }
  }
}

resource "aws_batch_job_queue" "training" {
  name     = "${var.name_prefix}-training"
  state    = "ENABLED"
  priority = 1

  compute_environment_order {
    order               = 1
    compute_environment = aws_batch_compute_environment.gpu.arn
  }
}

resource "aws_batch_job_definition" "train" {
  name                  = "${var.name_prefix}-train"
  type                  = "container"
  platform_capabilities = ["EC2"]

  # Defaults of the Ref:: placeholders in the command; the state machine passes its own.
  parameters = {
    job           = local.job_config_uri
    shards_output = local.shards_output
    train_output  = "train.output=s3://${var.models_bucket}/${var.job_name}/models/manual"
  }

  retry_strategy {
    attempts = 2
    # A lost instance (host failure, reclaimed capacity) is retried; the entrypoint adds --resume
    # on a retry, and train continues from the last checkpoint it pushed to S3 (or starts fresh).
    evaluate_on_exit {
      on_status_reason = "Host EC2*"
      action           = "RETRY"
    }
    evaluate_on_exit {
      on_reason = "*"
      action    = "EXIT"
    }
  }

  timeout {
    attempt_duration_seconds = var.train_timeout_minutes * 60
  }

  container_properties = jsonencode({
    image            = "${aws_ecr_repository.training.repository_url}:${var.image_tag}"
    command          = ["train", "Ref::job", "--set", "Ref::shards_output", "--set", "Ref::train_output"]
    jobRoleArn       = aws_iam_role.job.arn
    executionRoleArn = aws_iam_role.execution.arn
    resourceRequirements = [
      { type = "VCPU", value = tostring(var.train_vcpus) },
      { type = "MEMORY", value = tostring(var.train_memory_mib) },
      { type = "GPU", value = tostring(var.train_gpus) },
    ]
    environment = [
      { name = "AWS_REGION", value = data.aws_region.current.name },
      { name = "SHARDCAST_HEAP", value = "${floor(var.train_memory_mib * 0.6)}m" },
    ]
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        "awslogs-group"         = aws_cloudwatch_log_group.training.name
        "awslogs-region"        = data.aws_region.current.name
        "awslogs-stream-prefix" = "train"
      }
    }
  })
}
