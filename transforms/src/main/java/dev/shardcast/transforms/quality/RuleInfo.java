package dev.shardcast.transforms.quality;

import dev.shardcast.transforms.config.Severity;
import java.io.Serializable;

/**
 * What the report says about a rule. {@code id} is {@code <column>.<rule>} for a column rule (the
 * quarantine reason of the rows it rejects) or a built-in structural id such as {@code dataset.unique}.
 *
 * @param kind the VACUUM letter: valid, accurate, consistent, uniform, unified
 * @param expected the rule's setting as text, for the report
 */
public record RuleInfo(String id, String kind, String column, String rule, Severity severity, String expected,
    Double maxFailFraction) implements Serializable {}
