package io.sparkinception.trainer.models;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** Runs each test of a class with ND4J in double precision (gradient checks) and restores the defaults after. */
final class DoublePrecision implements BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(DoublePrecision.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NS).put("types", new DataType[] {Nd4j.dataType(), Nd4j.defaultFloatingPointType()});
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        DataType[] saved = context.getStore(NS).remove("types", DataType[].class);
        Nd4j.setDefaultDataTypes(saved[0], saved[1]);
    }
}
