package io.sparkinception.jobs;

import io.sparkinception.trainer.models.ModelCatalog;
import io.sparkinception.trainer.models.ModelsConfig;
import java.io.PrintStream;

/** {@code models}: what each family costs, for users choosing a model. Runs on the driver only, no Spark job. */
final class ModelsJob implements Command {
    @Override
    public String name() {
        return "models";
    }

    @Override
    public String summary() {
        return "print parameter count, training FLOPs per image and endpoint shapes of the model zoo";
    }

    @Override
    public String namespace() {
        return ModelsConfig.NAMESPACE;
    }

    @Override
    public int run(Arguments args, PrintStream out) throws Exception {
        ModelCatalog.print(ModelsConfig.load(args.configFile(), args.overrides()), out);
        return 0;
    }
}
