package io.sparkinception.preprocessing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.preprocessing.annotations.Annotation;
import io.sparkinception.preprocessing.annotations.ClassInfo;
import io.sparkinception.preprocessing.annotations.ReadResult;
import io.sparkinception.preprocessing.annotations.SkipReason;
import io.sparkinception.preprocessing.annotations.Skipped;
import io.sparkinception.preprocessing.annotations.SourceSpec;
import io.sparkinception.preprocessing.annotations.Split;
import io.sparkinception.preprocessing.image.Box;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlannerTest {

    private static Annotation ann(String id, String path, String label, Box box, String group) {
        return new Annotation(id, id, path, path, label, box, group, null, 100, 100);
    }

    @Test
    void driverSideChecksGiveEachBadRecordItsReason() {
        Box ok = new Box(1, 1, 10, 10);
        List<Annotation> anns = List.of(
                ann("good", "a.png", "cat", ok, "g1"),
                ann("inverted", "b.png", "cat", new Box(10, 1, 1, 10), "g2"),
                ann("zero", "c.png", "cat", new Box(5, 5, 5, 9), "g3"),
                ann("outside", "d.png", "cat", new Box(150, 150, 160, 160), "g4"),
                ann("unknown", "e.png", "zebra", ok, "g5"),
                ann("dup", "a.png", "cat", ok, "g1"));
        ReadResult read = new ReadResult(anns, List.of(new Skipped("row9", "f.csv:9", SkipReason.MALFORMED_RECORD, "x")), List.of());
        Planner.Plan plan = Planner.plan(read, SourceSpec.Format.CSV, List.of(new ClassInfo(0, "cat", "Cat")), null, 0, 1);
        assertEquals(7, plan.inputRecords());
        assertEquals(1, plan.plannedRecords());
        Map<String, SkipReason> reasons = new HashMap<>();
        plan.skipped().forEach(s -> reasons.put(s.id(), s.reason()));
        assertEquals(Map.of("row9", SkipReason.MALFORMED_RECORD, "inverted", SkipReason.INVERTED_BOX,
                "zero", SkipReason.ZERO_AREA_BOX, "outside", SkipReason.BOX_OUTSIDE_IMAGE,
                "unknown", SkipReason.UNKNOWN_LABEL, "dup", SkipReason.DUPLICATE_RECORD), reasons);
        Planner.Job job = plan.tasks().get(0).jobs().get(0);
        assertEquals("Cat", job.labelName());
        assertEquals(Split.TRAIN, job.split());
    }

    @Test
    void splitIsGroupAwareDeterministicAndNearTheFraction() {
        List<Annotation> anns = new ArrayList<>();
        for (int track = 0; track < 400; track++) {
            for (int frame = 0; frame < 3; frame++) {
                String p = String.format("00001_%05d_%05d.png", track, frame);
                anns.add(ann(p, p, "1", new Box(0, 0, 9, 9), "00001_" + track));
            }
        }
        ReadResult read = new ReadResult(anns, List.of(), List.of());
        Planner.Plan a = Planner.plan(read, SourceSpec.Format.GTSRB, List.of(), null, 0.25, 7);
        Planner.Plan b = Planner.plan(read, SourceSpec.Format.GTSRB, List.of(), null, 0.25, 7);
        Planner.Plan c = Planner.plan(read, SourceSpec.Format.GTSRB, List.of(), null, 0.25, 8);
        Map<String, Split> groupSplit = new HashMap<>();
        for (Planner.ImageTask t : a.tasks()) {
            Planner.Job j = t.jobs().get(0);
            Split prev = groupSplit.put(j.annotation().group(), j.split());
            assertTrue(prev == null || prev == j.split(), "group " + j.annotation().group() + " in two splits");
        }
        long val = a.plannedPerSplit().get(Split.VAL);
        assertTrue(val > 0.18 * 1200 && val < 0.32 * 1200, "val fraction off: " + val);
        assertEquals(0, val % 3, "whole tracks go to val");
        assertEquals(splits(a), splits(b));
        assertTrue(!splits(a).equals(splits(c)), "another seed gives another split");
        // Sequence numbers are 0..n-1 within each split.
        List<Long> valSeqs = a.tasks().stream().flatMap(t -> t.jobs().stream()).filter(j -> j.split() == Split.VAL)
                .map(Planner.Job::seq).toList();
        for (int i = 0; i < valSeqs.size(); i++) {
            assertEquals(i, valSeqs.get(i));
        }
    }

    private static List<Split> splits(Planner.Plan p) {
        return p.tasks().stream().map(t -> t.jobs().get(0).split()).toList();
    }

    @Test
    void sourceSplitWinsInAutoModeAndForcedSplitWinsOverAll() {
        Annotation a = new Annotation("a", "a", "a", "a", "x", new Box(0, 0, 3, 3), "a", Split.TEST, -1, -1);
        ReadResult read = new ReadResult(List.of(a), List.of(), List.of());
        assertEquals(Split.TEST, Planner.plan(read, SourceSpec.Format.VOC, List.of(), null, 0.5, 1).tasks().get(0).jobs().get(0).split());
        assertEquals(Split.VAL, Planner.plan(read, SourceSpec.Format.VOC, List.of(), Split.VAL, 0.5, 1).tasks().get(0).jobs().get(0).split());
    }

    @Test
    void derivedClasses() {
        List<Annotation> anns = List.of(ann("1", "1", "10", new Box(0, 0, 3, 3), "1"), ann("2", "2", "9", new Box(0, 0, 3, 3), "2"),
                ann("3", "3", "bad", new Box(0, 0, 3, 3), "3"));
        List<ClassInfo> gtsrb = Planner.deriveClasses(anns, SourceSpec.Format.GTSRB);
        assertEquals(11, gtsrb.size(), "GTSRB: ids 0..max are the indices");
        assertEquals(new ClassInfo(10, "10", "10"), gtsrb.get(10));
        List<ClassInfo> csv = Planner.deriveClasses(anns.subList(0, 2), SourceSpec.Format.CSV);
        assertEquals(List.of("9", "10"), csv.stream().map(ClassInfo::label).toList(), "numeric labels sort numerically");
        ReadResult read = new ReadResult(anns, List.of(), List.of());
        Planner.Plan plan = Planner.plan(read, SourceSpec.Format.GTSRB, List.of(), null, 0, 1);
        assertEquals(SkipReason.UNKNOWN_LABEL, plan.skipped().get(0).reason());
    }

    @Test
    void imagesWithSeveralBoxesAreOneTask() {
        Box b1 = new Box(0, 0, 3, 3);
        Box b2 = new Box(4, 4, 8, 8);
        List<Annotation> anns = List.of(ann("a#0", "a.jpg", "x", b1, "a"), ann("b#0", "b.jpg", "x", b1, "b"),
                ann("a#1", "a.jpg", "x", b2, "a"));
        Planner.Plan plan = Planner.plan(new ReadResult(anns, List.of(), List.of()), SourceSpec.Format.VOC, List.of(), null, 0, 1);
        assertEquals(2, plan.tasks().size());
        assertEquals(List.of("a#0", "a#1"), plan.tasks().get(0).jobs().stream().map(j -> j.annotation().id()).toList());
    }
}
