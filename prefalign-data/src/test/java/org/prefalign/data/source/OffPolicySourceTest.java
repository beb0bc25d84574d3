package org.prefalign.data.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.prefalign.data.Fixtures.file;
import static org.prefalign.data.Fixtures.text;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prefalign.data.io.JsonlFormat;
import org.prefalign.data.io.JsonlWriter;
import org.prefalign.data.io.MalformedDataException;
import org.prefalign.data.io.OnBadRecord;
import org.prefalign.data.io.ReadSummary;
import org.prefalign.data.io.Reject;
import org.prefalign.data.record.PreferencePair;
import org.prefalign.data.record.ScoredCompletion;

class OffPolicySourceTest {

    @TempDir
    Path dir;

    private static ScoredCompletion rec(int i) {
        return new ScoredCompletion(text("p" + i), text("c" + i), i);
    }

    private Path write(String name, int from, int to) throws IOException {
        Path p = dir.resolve(name);
        JsonlWriter.writeAll(p, JsonlFormat.SCORED, IntStream.range(from, to).mapToObj(OffPolicySourceTest::rec)
                .iterator());
        return p;
    }

    private static List<Integer> take(OffPolicySource<ScoredCompletion> s, int n) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n && s.hasNext(); i++) {
            out.add((int) s.next().reward());
        }
        return out;
    }

    private static List<Integer> range(int from, int to) {
        return IntStream.range(from, to).boxed().toList();
    }

    @Test
    void unshuffledReadsTheFilesInOrderEveryEpochGzipIncluded() throws IOException {
        Path a = write("a.jsonl", 0, 3);
        Path b = write("b.jsonl.gz", 3, 5);
        try (OffPolicySource<ScoredCompletion> s = OffPolicySource.builder(JsonlFormat.SCORED).files(a, b).epochs(2)
                .build()) {
            assertEquals(5, s.recordsPerEpoch());
            List<Integer> expected = new ArrayList<>(range(0, 5));
            expected.addAll(range(0, 5));
            assertEquals(expected, take(s, 100));
            assertFalse(s.hasNext());
            assertEquals(new SourcePosition(2, 0, false, 0), s.position());
        }
    }

    @Test
    void shuffledEpochsArePermutationsDrawnFromSeedAndEpoch() throws IOException {
        Path a = write("a.jsonl", 0, 20);
        Path b = write("b.jsonl", 20, 30);
        List<Integer> seen = new ArrayList<>();
        try (OffPolicySource<ScoredCompletion> s = OffPolicySource.builder(JsonlFormat.SCORED).files(a, b).epochs(3)
                .shuffle(42).build()) {
            for (int e = 0; e < 3; e++) {
                List<Integer> epoch = take(s, 30);
                // Independent of the reader: the epoch is the file order permuted by permutation(seed, e).
                int[] perm = OffPolicySource.permutation(42, e, 30);
                assertEquals(IntStream.of(perm).boxed().toList(), epoch, "epoch " + e);
                assertEquals(new HashSet<>(range(0, 30)), new HashSet<>(epoch));
                seen.addAll(epoch);
            }
            assertFalse(s.hasNext());
        }
        assertNotEquals(seen.subList(0, 30), seen.subList(30, 60), "epochs are shuffled differently");
        assertNotEquals(range(0, 30), seen.subList(0, 30));
        try (OffPolicySource<ScoredCompletion> again = OffPolicySource.builder(JsonlFormat.SCORED).files(a, b)
                .epochs(3).shuffle(42).build();
             OffPolicySource<ScoredCompletion> other = OffPolicySource.builder(JsonlFormat.SCORED).files(a, b)
                .epochs(3).shuffle(43).build()) {
            assertEquals(seen, take(again, 90), "same seed, same order");
            assertNotEquals(seen, take(other, 90));
        }
    }

    @Test
    void permutationIsUniform() {
        // Where element 0 lands over 4000 seeds: each of 4 places about 1000 times. A Fisher-Yates
        // off by one (Sattolo's algorithm) would never leave it in place.
        int[] counts = new int[4];
        for (long seed = 0; seed < 4000; seed++) {
            int[] p = OffPolicySource.permutation(seed, 0, 4);
            counts[IntStream.range(0, 4).filter(i -> p[i] == 0).findFirst().orElseThrow()]++;
            assertEquals(6, IntStream.of(p).sum());
        }
        for (int c : counts) {
            assertTrue(Math.abs(c - 1000) < 120, Arrays.toString(counts));
        }
        assertArrayEquals(OffPolicySource.permutation(7, 3, 50), OffPolicySource.permutation(7, 3, 50));
    }

    private void resumesExactly(OffPolicySource.Builder<ScoredCompletion> builder, int total) throws IOException {
        List<Integer> whole;
        try (OffPolicySource<ScoredCompletion> s = builder.build()) {
            whole = take(s, total + 1);
        }
        assertEquals(total, whole.size());
        for (int k : new int[] {0, 1, 4, 7, 8, 13, total - 1, total}) {
            SourcePosition saved;
            List<Integer> rest;
            try (OffPolicySource<ScoredCompletion> s = builder.build()) {
                assertEquals(whole.subList(0, k), take(s, k));
                saved = s.position();
                rest = take(s, total);
            }
            assertEquals(whole.subList(k, total), rest, "continuing after " + k);
            try (OffPolicySource<ScoredCompletion> restored = builder.build()) {
                restored.seek(saved);
                assertEquals(saved, restored.position());
                assertEquals(whole.subList(k, total), take(restored, total), "resumed at " + saved);
            }
        }
    }

    @Test
    void positionsResumeExactlyShuffledOrNot() throws IOException {
        Path a = write("a.jsonl", 0, 5);
        Path b = write("b.jsonl", 5, 8);
        resumesExactly(OffPolicySource.builder(JsonlFormat.SCORED).files(a, b).epochs(3).shuffle(9), 24);
        resumesExactly(OffPolicySource.builder(JsonlFormat.SCORED).files(a, b).epochs(3), 24);
        try (OffPolicySource<ScoredCompletion> s = OffPolicySource.builder(JsonlFormat.SCORED).files(a, b).epochs(3)
                .shuffle(9).build()) {
            take(s, 10);
            assertEquals(new SourcePosition(1, 2, true, 9), s.position());
        }
    }

    @Test
    void foreignPositionsAndGzipShufflingAreRefused() throws IOException {
        Path a = write("a.jsonl", 0, 5);
        Path gz = write("b.jsonl.gz", 0, 5);
        try (OffPolicySource<ScoredCompletion> s = OffPolicySource.builder(JsonlFormat.SCORED).files(a).epochs(2)
                .shuffle(1).build()) {
            assertEquals("position SourcePosition[epoch=0, index=1, shuffled=true, seed=2] was saved from a source "
                    + "shuffled with seed 2, this one is shuffled with seed 1", assertThrows(
                    IllegalArgumentException.class, () -> s.seek(new SourcePosition(0, 1, true, 2))).getMessage());
            assertEquals("position SourcePosition[epoch=0, index=5, shuffled=true, seed=1] is outside this source: "
                    + "2 epochs of 5 records", assertThrows(IllegalArgumentException.class,
                    () -> s.seek(new SourcePosition(0, 5, true, 1))).getMessage());
            s.seek(new SourcePosition(2, 0, true, 1));
            assertFalse(s.hasNext());
        }
        assertEquals("cannot shuffle " + gz + ": it is gzip-compressed, and shuffling reads records at byte offsets; "
                + "decompress it or read it unshuffled", assertThrows(IllegalArgumentException.class,
                () -> OffPolicySource.builder(JsonlFormat.SCORED).files(gz).shuffle(1).build()).getMessage());
    }

    @Test
    void badLinesAreReportedOnceWhenBuiltAndNeverReturned() throws IOException {
        Path bad = file("pairs-malformed.jsonl");
        List<Reject> rejects = new ArrayList<>();
        for (boolean shuffle : new boolean[] {false, true}) {
            rejects.clear();
            OffPolicySource.Builder<PreferencePair> b = OffPolicySource
                    .builder(JsonlFormat.PREFERENCE).files(bad).epochs(3).onBadRecord(OnBadRecord.skip(rejects::add));
            if (shuffle) {
                b.shuffle(5);
            }
            try (OffPolicySource<PreferencePair> s = b.build()) {
                assertEquals(8, rejects.size());
                assertEquals(List.of(new ReadSummary(bad.toString(), 10, 2, 8, 0)), s.summaries());
                int n = 0;
                while (s.hasNext()) {
                    String prompt = s.next().prompt().asText();
                    assertTrue(prompt.equals("ok") || prompt.equals("last"), prompt);
                    n++;
                }
                assertEquals(6, n);
                assertEquals(8, rejects.size(), "later epochs report nothing again");
            }
        }
        assertThrows(MalformedDataException.class,
                () -> OffPolicySource.builder(JsonlFormat.PREFERENCE).files(bad).build());
    }

    @Test
    void aFileChangedAfterBuildingIsAnErrorAtTheNextEpoch() throws IOException {
        Path a = write("a.jsonl", 0, 3);
        try (OffPolicySource<ScoredCompletion> s = OffPolicySource.builder(JsonlFormat.SCORED).files(a).epochs(2)
                .shuffle(3).build()) {
            take(s, 3);
            Files.writeString(a, Files.readString(a) + "{\"prompt\": \"x\", \"completion\": \"y\", \"reward\": 1}\n");
            Files.setLastModifiedTime(a, FileTime.fromMillis(0));
            assertEquals(a + " changed since the source read it; build the source again",
                    assertThrows(IllegalStateException.class, s::next).getMessage());
        }
    }
}
