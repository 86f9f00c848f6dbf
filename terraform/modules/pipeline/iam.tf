# Two roles: the scheduler's (start this one state machine) and the state machine's (run EMR and
# Batch through their .sync integrations, publish failures).

data "aws_iam_policy_document" "scheduler_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "scheduler" {
  name               = "${var.name_prefix}-retrain-scheduler"
  assume_role_policy = data.aws_iam_policy_document.scheduler_assume.json
}

data "aws_iam_policy_document" "scheduler" {
  statement {
    actions   = ["states:StartExecution"]
    resources = [aws_sfn_state_machine.retrain.arn]
  }
  # The schedule's target input is encrypted with the caller's key.
  statement {
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]
  }
}

resource "aws_iam_role_policy" "scheduler" {
  name   = "start-retraining"
  role   = aws_iam_role.scheduler.id
  policy = data.aws_iam_policy_document.scheduler.json
}

data "aws_iam_policy_document" "states_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["states.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "state_machine" {
  name               = "${var.name_prefix}-retrain-states"
  assume_role_policy = data.aws_iam_policy_document.states_assume.json
}

locals {
  arn_prefix = "arn:${data.aws_partition.current.partition}"
  account    = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.name
  # The managed rules the .sync integrations create to learn that a cluster, step or job ended.
  sync_rules = [for r in ["StepFunctionsGetEventsForEMRRunJobFlowRule", "StepFunctionsGetEventsForEMRAddJobFlowStepsRule", "StepFunctionsGetEventsForEMRTerminateJobFlowsRule", "StepFunctionsGetEventsForBatchJobsRule"] : "${local.arn_prefix}:events:${local.region}:${local.account}:rule/${r}"]
}

data "aws_iam_policy_document" "state_machine" {
  # RunJobFlow has no resource-level permissions; the tag condition limits it to clusters that carry
  # the tag this module's RunJobFlow parameters set.
  statement {
    sid       = "CreateCluster"
    actions   = ["elasticmapreduce:RunJobFlow"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/for-use-with-amazon-emr-managed-policies"
      values   = ["true"]
    }
  }
  statement {
    sid = "RunAndTerminateCluster"
    actions = [
      "elasticmapreduce:AddJobFlowSteps",
      "elasticmapreduce:CancelSteps",
      "elasticmapreduce:DescribeCluster",
      "elasticmapreduce:DescribeStep",
      "elasticmapreduce:TerminateJobFlows",
      "elasticmapreduce:AddTags",
    ]
    resources = ["${local.arn_prefix}:elasticmapreduce:${local.region}:${local.account}:cluster/*"]
  }
  statement {
    sid       = "PassEmrRoles"
    actions   = ["iam:PassRole"]
    resources = var.emr_pass_role_arns
  }
  statement {
    sid       = "SubmitTraining"
    actions   = ["batch:SubmitJob"]
    resources = [var.job_queue_arn, "${local.arn_prefix}:batch:${local.region}:${local.account}:job-definition/${var.job_definition_name}:*"]
  }
  # DescribeJobs has no resource-level permissions.
  statement {
    sid       = "WatchTraining"
    actions   = ["batch:DescribeJobs"]
    resources = ["*"]
  }
  statement {
    sid       = "StopTraining"
    actions   = ["batch:TerminateJob"]
    resources = ["${local.arn_prefix}:batch:${local.region}:${local.account}:job/*"]
  }
  statement {
    sid       = "SyncIntegrationRules"
    actions   = ["events:PutTargets", "events:PutRule", "events:DescribeRule"]
    resources = local.sync_rules
  }
  statement {
    sid       = "PublishFailures"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alerts.arn]
  }
  statement {
    sid       = "EncryptedTopic"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.kms_key_arn]
  }
  # Log delivery for Step Functions is configured through these account-level actions, which have
  # no resource-level permissions.
  statement {
    sid = "ExecutionLogs"
    actions = [
      "logs:CreateLogDelivery",
      "logs:GetLogDelivery",
      "logs:UpdateLogDelivery",
      "logs:DeleteLogDelivery",
      "logs:ListLogDeliveries",
      "logs:PutResourcePolicy",
      "logs:DescribeResourcePolicies",
      "logs:DescribeLogGroups",
    ]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "state_machine" {
  name   = "retrain"
  role   = aws_iam_role.state_machine.id
  policy = data.aws_iam_policy_document.state_machine.json
}
