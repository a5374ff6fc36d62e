package io.sparkinception.jobs;

import io.sparkinception.common.Json;
import com.typesafe.config.Config;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkinception.common.Settings;
import io.sparkinception.trainer.kernels.KernelReport;
import io.sparkinception.trainer.kernels.KernelRuntime;
import io.sparkinception.trainer.kernels.Kernels;
import io.sparkinception.trainer.models.InceptionZoo;
import io.sparkinception.trainer.models.ModelFamily;
import io.sparkinception.trainer.models.ModelReport;
import io.sparkinception.trainer.models.ModelReports;
import io.sparkinception.trainer.models.ModelSpec;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** {@code models}: what each family costs, for users choosing a model. Runs on the driver only, no Spark job. */
final class ModelsJob implements Command {
    static final String NAMESPACE = "spark-inception.models";

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
        return NAMESPACE;
    }

    @Override
    public int run(Arguments args, PrintStream out) throws java.io.IOException {
        Config c = Settings.load(NAMESPACE, args.configFile(), args.overrides());
        String family = c.getString("family");
        List<ModelFamily> families = family.isBlank() ? List.of(ModelFamily.values()) : List.of(ModelFamily.of(family));
        List<ModelReport> reports = new ArrayList<>();
        for (ModelFamily f : families) {
            ModelSpec spec = ModelSpec.defaults(f, c.getInt("classes")).withAuxHeads(c.getBoolean("aux"))
                    .withWidthMultiplier(c.getDouble("width"));
            if (c.getInt("image-size") > 0) {
                spec = spec.withInputSize(c.getInt("image-size"));
            }
            reports.add(ModelReports.describe(spec));
        }
        String kernels = c.getString("kernels");
        List<KernelReport> kernelReports = kernels.isBlank() ? List.of() : reports.stream()
                .map(r -> KernelReport.of(KernelRuntime.build(Kernels.of(kernels, "--kernels"), () -> InceptionZoo.build(r.spec())),
                        Kernels.of(kernels))).toList();
        if (c.getBoolean("json")) {
            ArrayNode json = (ArrayNode) Json.mapper().readTree(ModelReports.toJson(reports));
            for (int i = 0; i < kernelReports.size(); i++) {
                ((ObjectNode) json.get(i)).set("kernels", Json.mapper().valueToTree(kernelReports.get(i)));
            }
            out.println(Json.toJson(json));
        } else {
            out.print(ModelReports.toText(reports));
            for (int i = 0; i < kernelReports.size(); i++) {
                out.println(reports.get(i).family() + " kernels (" + kernelReports.get(i).effective() + "): "
                        + kernelReports.get(i).summary());
            }
        }
        return 0;
    }
}
