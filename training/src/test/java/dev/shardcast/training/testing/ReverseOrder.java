package dev.shardcast.training.testing;

import java.util.Comparator;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.MethodOrdererContext;

/**
 * Test classes and methods in reverse name order, for the training module's second Surefire run
 * (see training/pom.xml): a test that passes only after (or before) another one depends on state
 * it does not own, such as the engine's global RNG.
 */
public final class ReverseOrder {
  private ReverseOrder() {}

  public static final class Classes implements ClassOrderer {
    @Override
    public void orderClasses(ClassOrdererContext context) {
      context.getClassDescriptors().sort(
          Comparator.comparing((org.junit.jupiter.api.ClassDescriptor d) -> d.getTestClass().getName()).reversed());
    }
  }

  public static final class Methods implements MethodOrderer {
    @Override
    public void orderMethods(MethodOrdererContext context) {
      context.getMethodDescriptors().sort(
          Comparator.comparing((org.junit.jupiter.api.MethodDescriptor d) -> d.getMethod().getName()
              + d.getMethod().toGenericString()).reversed());
    }
  }
}
