package io.sparkinception.trainer.report;

/** Makes AWT run without a display; must run before the first use of AWT graphics in this JVM. */
final class Headless {
    private Headless() {
    }

    static void ensure() {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }
}
