package io.sparkinception.jobs;

import io.sparkinception.trainer.bench.BenchConfig;
import io.sparkinception.trainer.bench.BenchRunner;
import java.io.PrintStream;

/** {@code bench}: the side-by-side speed table of BENCHMARKS.md (SGEMM, fit, train, zoo), one JVM per measurement. */
final class BenchJob implements Command {
    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String summary() {
        return "measure SGEMM, single-process fit and local[N] training side by side (oneDNN vs built-in kernels)";
    }

    @Override
    public String namespace() {
        return BenchConfig.NAMESPACE;
    }

    @Override
    public int run(Arguments args, PrintStream out) throws Exception {
        BenchRunner.run(BenchConfig.load(args.configFile(), args.overrides()), out);
        return 0;
    }
}
