package dev.cairn.bench;

/**
 * How big each measurement is: the full run, or a quick one that only keeps the harness working.
 */
record BenchSizes(
    int chain,
    int fanOut,
    int layers,
    int layerWidth,
    int warmUps,
    int repeats,
    int submits,
    long replayEvents,
    int replayStepsPerRun,
    int recoverySteps,
    int startSamples,
    int catchUpRounds,
    int cliSamples) {

  static BenchSizes full() {
    return new BenchSizes(1000, 1000, 10, 100, 2, 7, 2000, 1_000_000, 100, 10_000, 3, 3, 21);
  }

  static BenchSizes quick() {
    return new BenchSizes(50, 50, 5, 10, 1, 1, 100, 20_000, 100, 200, 1, 1, 3);
  }
}
