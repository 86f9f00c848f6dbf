# The retraining run: a transient EMR Flink cluster runs prepare, Batch trains on the new shards,
# then the promotion gate decides whether the candidate replaces `current`. Any failure terminates
# the cluster (if one is up), publishes to SNS and fails the execution.
#
# The gate step runs `shardcast promote <job> <run-id> --gate` with the registry at
# s3://<models>/<job_name> (docs/registry.md): train wrote the candidate to the registry's
# models/<run-id>/ (run id = the execution name); the gate scores it and `current` on the newest
# test shards and moves current.json only if the candidate is not worse by more than the job's
# registry.tolerance. A refusal is not a failure (exit 0, in registry.jsonl); exit 5 (another
# promote holds the lock) fails the step and is reported on SNS.

locals {
  # the job's model registry; train writes each run to its models/<run-id>/
  registry      = "s3://${var.models_bucket}/${var.job_name}"
  run_id_models = "${local.registry}/models/{}"

  catch_all = [{ ErrorEquals = ["States.ALL"], ResultPath = "$.error", Next = "NotifyFailure" }]

  definition = {
    Comment        = "shardcast retraining for job ${var.job_name}: prepare (EMR Flink) -> train (Batch GPU) -> promotion gate"
    StartAt        = "CreateFlinkCluster"
    TimeoutSeconds = (var.prepare_timeout_minutes + 2 * var.train_timeout_minutes + 60) * 60
    States = {
      CreateFlinkCluster = {
        Type           = "Task"
        Resource       = "arn:${data.aws_partition.current.partition}:states:::elasticmapreduce:createCluster.sync"
        Parameters     = var.create_cluster_parameters
        ResultSelector = { "ClusterId.$" = "$.ClusterId" }
        ResultPath     = "$.cluster"
        Catch          = local.catch_all
        Next           = "Prepare"
      }
      Prepare = {
        Type     = "Task"
        Resource = "arn:${data.aws_partition.current.partition}:states:::elasticmapreduce:addStep.sync"
        Parameters = {
          "ClusterId.$" = "$.cluster.ClusterId"
          Step          = var.prepare_step
        }
        TimeoutSeconds = var.prepare_timeout_minutes * 60
        ResultPath     = null
        Catch          = [{ ErrorEquals = ["States.ALL"], ResultPath = "$.error", Next = "TerminateAfterFailure" }]
        Next           = "TerminateFlinkCluster"
      }
      # The cluster goes as soon as the shards are written: training does not need it.
      TerminateFlinkCluster = {
        Type       = "Task"
        Resource   = "arn:${data.aws_partition.current.partition}:states:::elasticmapreduce:terminateCluster.sync"
        Parameters = { "ClusterId.$" = "$.cluster.ClusterId" }
        ResultPath = null
        Catch      = local.catch_all
        Next       = "Train"
      }
      Train = {
        Type     = "Task"
        Resource = "arn:${data.aws_partition.current.partition}:states:::batch:submitJob.sync"
        Parameters = {
          JobName       = "${var.name_prefix}-train-${var.job_name}"
          JobQueue      = var.job_queue_arn
          JobDefinition = var.job_definition_arn
          Parameters = {
            job              = var.job_config_uri
            "train_output.$" = "States.Format('train.output=${local.run_id_models}', $$.Execution.Name)"
          }
        }
        ResultPath = null
        Catch      = local.catch_all
        Next       = "PromotionGate"
      }
      # shardcast promote --gate (see the header comment).
      PromotionGate = {
        Type     = "Task"
        Resource = "arn:${data.aws_partition.current.partition}:states:::batch:submitJob.sync"
        Parameters = {
          JobName       = "${var.name_prefix}-gate-${var.job_name}"
          JobQueue      = var.job_queue_arn
          JobDefinition = var.job_definition_arn
          ContainerOverrides = {
            "Command.$" = "States.Array('promote', '${var.job_config_uri}', $$.Execution.Name, '--gate', '--set', '${var.shards_output_setting}', '--set', 'registry.location=${local.registry}')"
          }
        }
        ResultPath = null
        Catch      = local.catch_all
        Next       = "Done"
      }
      TerminateAfterFailure = {
        Type       = "Task"
        Resource   = "arn:${data.aws_partition.current.partition}:states:::elasticmapreduce:terminateCluster.sync"
        Parameters = { "ClusterId.$" = "$.cluster.ClusterId" }
        ResultPath = null
        Catch      = [{ ErrorEquals = ["States.ALL"], ResultPath = null, Next = "NotifyFailure" }]
        Next       = "NotifyFailure"
      }
      NotifyFailure = {
        Type     = "Task"
        Resource = "arn:${data.aws_partition.current.partition}:states:::sns:publish"
        Parameters = {
          TopicArn    = aws_sns_topic.alerts.arn
          Subject     = "shardcast retraining failed: ${var.job_name}"
          "Message.$" = "States.Format('Execution {} failed: {}', $$.Execution.Name, States.JsonToString($.error))"
        }
        ResultPath = null
        Next       = "Failed"
      }
      Failed = { Type = "Fail", Error = "RetrainingFailed", Cause = "see the SNS message and the execution history" }
      Done   = { Type = "Succeed" }
    }
  }
}

resource "aws_cloudwatch_log_group" "state_machine" {
  name              = "/aws/vendedlogs/states/${var.name_prefix}-retrain"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

resource "aws_sfn_state_machine" "retrain" {
  name       = "${var.name_prefix}-retrain-${var.job_name}"
  role_arn   = aws_iam_role.state_machine.arn
  definition = jsonencode(local.definition)

  logging_configuration {
    log_destination        = "${aws_cloudwatch_log_group.state_machine.arn}:*"
    include_execution_data = false
    level                  = "ERROR"
  }
}
