package io.sparkinception.trainer.models;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The registry of model families, by the names users type ({@code --family inception-v3}). */
public enum ModelFamily {
    GOOGLENET("googlenet", new GoogLeNet()),
    BN_INCEPTION("bn-inception", new BnInception()),
    INCEPTION_V3("inception-v3", new InceptionV3()),
    INCEPTION_V4("inception-v4", new InceptionV4()),
    INCEPTION_RESNET_V2("inception-resnet-v2", new InceptionResNetV2());

    private final String id;
    private final InceptionNet net;

    ModelFamily(String id, InceptionNet net) {
        this.id = id;
        this.net = net;
    }

    /** The family's name as users type it. */
    public String id() {
        return id;
    }

    public InceptionNet net() {
        return net;
    }

    /**
     * The family called {@code name} (case-insensitive; the enum constant's name works too).
     *
     * @throws IllegalArgumentException naming the unknown name and listing the known ones
     */
    public static ModelFamily of(String name) {
        String wanted = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (ModelFamily f : values()) {
            if (f.id.equals(wanted) || f.name().toLowerCase(Locale.ROOT).equals(wanted)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown model family '" + name + "'; known: " + String.join(", ", ids()));
    }

    /** Every family's name, in registry order. */
    public static List<String> ids() {
        return Arrays.stream(values()).map(ModelFamily::id).toList();
    }

    @Override
    public String toString() {
        return id;
    }
}
