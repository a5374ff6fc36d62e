package io.sparkinception.trainer.training;

import io.sparkinception.trainer.training.data.PixelLayout;
import io.sparkinception.trainer.training.data.StoredExample;
import org.apache.spark.Partition;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * The partitions of {@link TrainingData#loadCompact}: each computes to a {@link CompactSource} that opens its
 * parent's partition (the shuffle read) only when it is iterated, so a round whose executor has the local copy
 * neither reads nor fetches the shuffle output (a {@code mapPartitions} would open the shuffle reader, which
 * requests remote blocks as it is created).
 */
final class CompactRDD extends RDD<Example> {
    private static final ClassTag<StoredExample> STORED = ClassTag$.MODULE$.apply(StoredExample.class);
    private final PixelLayout layout;
    private final long capBytes;

    CompactRDD(RDD<StoredExample> parent, PixelLayout layout, long capBytes) {
        super(parent, ClassTag$.MODULE$.apply(Example.class));
        this.layout = layout;
        this.capBytes = capBytes;
    }

    @Override
    public Iterator<Example> compute(Partition split, TaskContext context) {
        RDD<StoredExample> parent = firstParent(STORED);
        return CollectionConverters.asScala(new CompactSource(() -> CollectionConverters.asJava(parent.iterator(split, context)),
                layout, capBytes));
    }

    @Override
    public Partition[] getPartitions() {
        return firstParent(STORED).partitions();
    }
}
