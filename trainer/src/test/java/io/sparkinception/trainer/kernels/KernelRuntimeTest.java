package io.sparkinception.trainer.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KernelRuntimeTest {
    @Test
    void oneDnnWithoutOneDnnFallsBackToBuiltinWithOneWarning() {
        KernelRuntime.resetWarning();
        List<String> warnings = new ArrayList<>();
        assertEquals(Kernels.BUILTIN, KernelRuntime.effective(Kernels.ONEDNN, false, warnings::add));
        assertEquals(Kernels.BUILTIN, KernelRuntime.effective(Kernels.ONEDNN, false, warnings::add));
        assertEquals(1, warnings.size(), "one warning per JVM: " + warnings);
        assertTrue(warnings.get(0).contains("oneDNN is not available") && warnings.get(0).contains("built-in"), warnings.get(0));
        assertEquals(Kernels.ONEDNN, KernelRuntime.effective(Kernels.ONEDNN, true, warnings::add));
        assertEquals(Kernels.BUILTIN, KernelRuntime.effective(Kernels.BUILTIN, true, warnings::add));
        KernelRuntime.resetWarning();
    }

    @Test
    void theShippedBinaryHasOneDnnAndTheWorkaroundAnswersDl4jsLookup() throws Exception {
        assertTrue(KernelRuntime.oneDnnAvailable(), "linux-x86_64 builds ship ND4J's oneDNN binary");
        // What DL4J M2.1's BaseMKLDNNHelper does by reflection, through the class loader that loaded DL4J.
        Class<?> c = Class.forName("org.nd4j.nativeblas.Nd4jCpu$Environment", true,
                org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper.class.getClassLoader());
        Object env = c.getMethod("getInstance").invoke(null);
        assertEquals(Boolean.TRUE, c.getMethod("isUseMKLDNN").invoke(env));
    }

    @Test
    void settingValuesAreCheckedByName() {
        assertEquals(Kernels.ONEDNN, Kernels.of(" oneDNN "));
        assertEquals(Kernels.BUILTIN, Kernels.of("builtin"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Kernels.of("mkl", "--kernels"));
        assertEquals("--kernels must be one of onednn | builtin, got 'mkl'", e.getMessage());
    }

    @Test
    void buildRestoresTheHelperSwitch() {
        String before = System.getProperty(KernelRuntime.HELPERS_DISABLE);
        assertEquals("false", KernelRuntime.build(Kernels.ONEDNN, () -> System.getProperty(KernelRuntime.HELPERS_DISABLE)));
        assertEquals("true", KernelRuntime.build(Kernels.BUILTIN, () -> System.getProperty(KernelRuntime.HELPERS_DISABLE)));
        assertEquals(before, System.getProperty(KernelRuntime.HELPERS_DISABLE));
    }
}
