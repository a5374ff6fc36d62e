package io.sparkinception.trainer.models;

import io.sparkinception.common.Json;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkinception.trainer.kernels.KernelReport;
import io.sparkinception.trainer.kernels.KernelRuntime;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;

/** The {@code models} command: what each family costs, for users choosing a model. Driver only, no Spark job. */
public final class ModelCatalog {
    private ModelCatalog() {
    }

    /** Prints the table (or JSON) of every configured family, with the kernel report when asked for. */
    public static void print(ModelsConfig cfg, PrintStream out) throws IOException {
        List<ModelReport> reports = cfg.families().stream().map(f -> ModelReports.describe(cfg.spec(f))).toList();
        List<KernelReport> kernels = cfg.kernels() == null ? List.of() : reports.stream()
                .map(r -> KernelReport.of(KernelRuntime.build(cfg.kernels(), () -> InceptionZoo.build(r.spec())),
                        cfg.kernels())).toList();
        if (cfg.json()) {
            ArrayNode json = (ArrayNode) Json.mapper().readTree(ModelReports.toJson(reports));
            for (int i = 0; i < kernels.size(); i++) {
                ((ObjectNode) json.get(i)).set("kernels", Json.mapper().valueToTree(kernels.get(i)));
            }
            out.println(Json.mapper().writeValueAsString(json));
            return;
        }
        out.print(ModelReports.toText(reports));
        for (int i = 0; i < kernels.size(); i++) {
            out.println(reports.get(i).family() + " kernels (" + kernels.get(i).effective() + "): " + kernels.get(i).summary());
        }
    }
}
