package dev.cairn.workflow.spec;

/**
 * Bounds a spec must respect before anything is recorded.
 *
 * @param maxSpecBytes largest serialized spec accepted
 * @param maxSteps largest number of steps in one workflow
 */
public record SpecLimits(int maxSpecBytes, int maxSteps) {
  /** One mebibyte of spec and ten thousand steps: far above hand-written workflows. */
  public static final SpecLimits DEFAULT = new SpecLimits(1 << 20, 10_000);
}
