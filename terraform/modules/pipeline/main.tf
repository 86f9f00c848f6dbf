# The schedule (EventBridge Scheduler, cron) that starts the retraining state machine, and the SNS
# topic failures go to: from the state machine's own Catch (task failures) and from an EventBridge
# rule for what a Catch never sees (the execution timing out or being aborted).

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

resource "aws_sns_topic" "alerts" {
  name              = "${var.name_prefix}-retrain-alerts"
  kms_master_key_id = var.kms_key_arn
}

resource "aws_sns_topic_subscription" "email" {
  for_each  = toset(var.alert_emails)
  topic_arn = aws_sns_topic.alerts.arn
  protocol  = "email"
  endpoint  = each.value
}

data "aws_iam_policy_document" "alerts_topic" {
  statement {
    sid       = "EventBridgeRuleOnly"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alerts.arn]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_cloudwatch_event_rule.execution_failed.arn]
    }
  }
}

resource "aws_sns_topic_policy" "alerts" {
  arn    = aws_sns_topic.alerts.arn
  policy = data.aws_iam_policy_document.alerts_topic.json
}

# FAILED is left out: every failed execution already published through NotifyFailure.
resource "aws_cloudwatch_event_rule" "execution_failed" {
  name        = "${var.name_prefix}-retrain-timed-out"
  description = "shardcast retraining execution timed out or aborted"
  event_pattern = jsonencode({
    source        = ["aws.states"]
    "detail-type" = ["Step Functions Execution Status Change"]
    detail = {
      status          = ["TIMED_OUT", "ABORTED"]
      stateMachineArn = [aws_sfn_state_machine.retrain.arn]
    }
  })
}

resource "aws_cloudwatch_event_target" "execution_failed" {
  rule = aws_cloudwatch_event_rule.execution_failed.name
  arn  = aws_sns_topic.alerts.arn
}

resource "aws_scheduler_schedule" "retrain" {
  name                         = "${var.name_prefix}-retrain-${var.job_name}"
  description                  = "starts shardcast retraining of ${var.job_name}"
  schedule_expression          = var.schedule_expression
  schedule_expression_timezone = var.schedule_timezone
  kms_key_arn                  = var.kms_key_arn

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = aws_sfn_state_machine.retrain.arn
    role_arn = aws_iam_role.scheduler.arn
    input    = jsonencode({ job = var.job_name })

    # A missed start is not retried: the next scheduled run picks up the same new data.
    retry_policy {
      maximum_retry_attempts = 0
    }
  }
}
