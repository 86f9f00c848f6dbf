package dev.shardcast.terraform;

/** One problem the offline check found: which rule, where, what. */
record Finding(Rule rule, String where, String message) {

  enum Rule { SYNTAX, PROVIDER, VARIABLE, OUTPUT, REFERENCE, MODULE, BUCKET, IAM, CRON }

  @Override
  public String toString() {
    return rule + " " + where + ": " + message;
  }
}
