output "state_machine_arn" {
  description = "The retraining state machine (start it by hand with aws stepfunctions start-execution)."
  value       = aws_sfn_state_machine.retrain.arn
}

output "alerts_topic_arn" {
  description = "SNS topic of failed runs."
  value       = aws_sns_topic.alerts.arn
}

output "schedule_name" {
  description = "EventBridge Scheduler schedule."
  value       = aws_scheduler_schedule.retrain.name
}
