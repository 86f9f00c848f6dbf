# prepare on Amazon EMR's Flink application, as a transient cluster: the Step Functions run creates
# it (createCluster.sync), adds the prepare step (addStep.sync) and terminates it. This module makes
# what outlives a run (roles, instance profile, security configuration) and hands the run the
# RunJobFlow and step parameters, so the sizing variables end up in the state machine.

terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  parallelism = var.core_instance_count * var.task_slots_per_node
  jar_uri     = "s3://${var.artifacts_bucket}/jars/shardcast-flink-job.jar"
  job_uri     = "s3://${var.artifacts_bucket}/jobs/${var.job_name}.yaml"

  # `flink run` wants local files: the job jar and job file are copied from S3 first. The job file
  # names its raw inputs (s3://<raw>/...); the output and parallelism are set here so that they
  # match the IAM policy and the cluster's size. -m yarn-cluster: a per-job Flink on YARN.
  prepare_script = join(" && ", [
    "set -euo pipefail",
    "aws s3 cp ${local.jar_uri} /tmp/shardcast-flink-job.jar",
    "aws s3 cp ${local.job_uri} /tmp/job.yaml",
    "flink run -m yarn-cluster /tmp/shardcast-flink-job.jar /tmp/job.yaml --set shards.output=${var.shards_uri} --set runner.parallelism=${local.parallelism}",
  ])
}

# At-rest encryption with the caller's key: EMRFS objects, and the nodes' EBS and local disks
# (Flink spills sorted groups and network buffers there).
resource "aws_emr_security_configuration" "this" {
  name = "${var.name_prefix}-prepare"
  configuration = jsonencode({
    EncryptionConfiguration = {
      EnableInTransitEncryption = false
      EnableAtRestEncryption    = true
      AtRestEncryptionConfiguration = {
        S3EncryptionConfiguration = {
          EncryptionMode = "SSE-KMS"
          AwsKmsKey      = var.kms_key_arn
        }
        LocalDiskEncryptionConfiguration = {
          EncryptionKeyProviderType = "AwsKms"
          AwsKmsKey                 = var.kms_key_arn
          EnableEbsEncryption       = true
        }
      }
    }
  })
}
