package io.sparkinception.trainer.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.trainer.kernels.Kernels;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;

class NetworkCacheTest {
    private static final byte[] MODEL = TinyNetwork.bytes(TinyNetwork.build(3));

    @Test
    void aReturnedNetworkIsReusedAndConcurrentBorrowersGetTheirOwn() {
        String key = NetworkCache.key(MODEL) + "-reuse";
        ComputationGraph first;
        int before = NetworkCache.loaded();
        try (NetworkCache.Lease a = NetworkCache.borrow(key, MODEL, Kernels.BUILTIN);
             NetworkCache.Lease b = NetworkCache.borrow(key, MODEL, Kernels.BUILTIN)) {
            assertNotSame(a.graph(), b.graph(), "a network is not thread-safe: one per borrower");
            first = a.graph();
        }
        assertEquals(before + 2, NetworkCache.loaded());
        NetworkCache.Lease again = NetworkCache.borrow(key, MODEL, Kernels.BUILTIN);
        again.close();
        again.close();
        assertEquals(before + 2, NetworkCache.loaded(), "returned networks are reused, not restored");
        assertThrows(IllegalStateException.class, again::graph, "a returned lease no longer hands out its network");
        try (NetworkCache.Lease c = NetworkCache.borrow(key, MODEL, Kernels.BUILTIN);
             NetworkCache.Lease d = NetworkCache.borrow(key, MODEL, Kernels.BUILTIN)) {
            assertTrue(c.graph() == first || d.graph() == first);
            assertEquals(before + 2, NetworkCache.loaded(), "closing twice returned the network once");
        }
    }

    @Test
    void idleNetworksOfOnlyTheMostRecentlyUsedModelsAreKept() {
        String prefix = NetworkCache.key(MODEL) + "-bound-";
        for (int i = 0; i <= NetworkCache.MAX_MODELS; i++) {
            NetworkCache.borrow(prefix + i, MODEL, Kernels.BUILTIN).close();
        }
        assertTrue(NetworkCache.cachedModels() <= NetworkCache.MAX_MODELS, "bounded: " + NetworkCache.cachedModels());
        int before = NetworkCache.loaded();
        NetworkCache.borrow(prefix + NetworkCache.MAX_MODELS, MODEL, Kernels.BUILTIN).close();
        assertEquals(before, NetworkCache.loaded(), "the most recent model stays cached");
        NetworkCache.borrow(prefix + 0, MODEL, Kernels.BUILTIN).close();
        assertEquals(before + 1, NetworkCache.loaded(), "the least recently used model was dropped and is restored again");
    }

    @Test
    void theKeyIsTheSha256OfTheBytes() {
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", NetworkCache.key(new byte[0]));
    }
}
