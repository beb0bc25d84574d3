package org.prefalign.core.checkpoint;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.prefalign.core.io.FloatEncoding;
import org.prefalign.core.io.ModelFileException;
import org.prefalign.core.io.safetensors.SafetensorsDtype;
import org.prefalign.core.io.safetensors.SafetensorsFile;
import org.prefalign.core.io.safetensors.SafetensorsTensorInfo;
import org.prefalign.core.io.safetensors.SafetensorsWriter;

/**
 * A training checkpoint: the state of every named {@link Checkpointable} part of a run at one step,
 * in a directory that either exists complete or not at all.
 *
 * <h2>Layout</h2>
 * <pre>
 *   checkpoint-120/                 ({@link #directoryFor}: Hugging Face Trainer's naming)
 *     checkpoint.json               step, each part's JSON metadata, each tensor file's size and CRC-32C
 *     model.safetensors             a part's tensors, float32 (one file per part that has tensors)
 *     optimizer.safetensors
 * </pre>
 *
 * <h2>Atomicity</h2>
 * {@link #save} writes everything into a hidden temporary directory beside the target, flushes
 * each file and the directory to the device, writes the manifest last, and only then renames the
 * directory into place (one atomic rename; an older checkpoint of the same step is first renamed
 * aside and deleted after). A crash at any moment therefore leaves either no directory of that
 * name or a complete one; leftovers are hidden ({@code .checkpoint-120.tmp-*}), ignored by
 * {@link #latest} and removed by {@link #prune}. {@link #open} checks every file's size and checksum against the manifest
 * before anything is restored, so a damaged checkpoint fails with the file named instead of
 * loading half.
 *
 * <p>Take checkpoints between optimizer steps (no gradients pending): gradients are not saved.
 */
public final class Checkpoint {

    /** The manifest's file name inside a checkpoint directory. */
    public static final String MANIFEST = "checkpoint.json";

    private static final String FORMAT = "prefalign-checkpoint";
    private static final int VERSION = 1;
    private static final String TENSOR_SUFFIX = ".safetensors";
    private static final Pattern PART_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*");
    private static final Pattern STEP_DIRECTORY = Pattern.compile("checkpoint-(\\d{1,18})");
    /** What {@link #save} and {@link #prune} leave behind when interrupted: hidden, never loaded. */
    private static final Pattern LEFTOVER = Pattern.compile("\\.checkpoint-\\d{1,18}\\.(tmp|old|deleting)-.*");
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private final Path directory;
    private final long step;
    private final Map<String, PartEntry> parts;

    /** A part in the manifest: its metadata and, when it has tensors, its file. */
    private record PartEntry(ObjectNode metadata, Path tensorFile) {
    }

    private Checkpoint(Path directory, long step, Map<String, PartEntry> parts) {
        this.directory = directory;
        this.step = step;
        this.parts = parts;
    }

    /** {@code root/checkpoint-<step>}. */
    public static Path directoryFor(Path root, long step) {
        requireStep(step);
        return root.resolve("checkpoint-" + step);
    }

    /**
     * Saves the state of {@code parts} at {@code step} as the checkpoint directory
     * {@code directory}, atomically (see the class comment), replacing a checkpoint already there.
     *
     * @param parts by name: letters, digits, '_' and '-', starting with a letter or digit
     * @throws IllegalArgumentException for a bad part name or step, or a part whose state has a
     *                                  non-float32 tensor
     * @throws IOException              when writing fails; nothing is left at {@code directory}
     *                                  that was not there before
     */
    public static void save(Path directory, long step, Map<String, ? extends Checkpointable> parts) throws IOException {
        requireStep(step);
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("a checkpoint needs at least one part");
        }
        for (String name : parts.keySet()) {
            requirePartName(name);
        }
        Path target = directory.toAbsolutePath().normalize();
        Path parent = target.getParent();
        Files.createDirectories(parent);
        Path temp = Files.createTempDirectory(parent, "." + target.getFileName() + ".tmp-");
        try {
            ObjectNode manifest = JSON.createObjectNode();
            manifest.put("format", FORMAT);
            manifest.put("version", VERSION);
            manifest.put("step", step);
            ObjectNode partsNode = manifest.putObject("parts");
            for (Map.Entry<String, ? extends Checkpointable> e : parts.entrySet()) {
                StateSnapshot state = e.getValue().saveState();
                ObjectNode part = partsNode.putObject(e.getKey());
                part.set("metadata", state.metadata());
                if (!state.tensors().isEmpty()) {
                    String file = e.getKey() + TENSOR_SUFFIX;
                    writeTensors(temp.resolve(file), state.tensors());
                    ObjectNode tensors = part.putObject("tensors");
                    tensors.put("file", file);
                    tensors.put("bytes", Files.size(temp.resolve(file)));
                    tensors.put("crc32c", crc32c(temp.resolve(file)));
                }
            }
            Path manifestFile = temp.resolve(MANIFEST);
            Files.write(manifestFile, JSON.writeValueAsBytes(manifest), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
            force(manifestFile);
            force(temp);
            moveIntoPlace(temp, target);
            force(parent);
        } finally {
            deleteRecursively(temp);
        }
    }

    /**
     * Opens the checkpoint in {@code directory}: reads its manifest and verifies every tensor
     * file's size and CRC-32C. Nothing is restored yet.
     *
     * @throws ModelFileException naming the file and field when the manifest is missing or malformed,
     *                            or a tensor file is missing, of the wrong size or damaged
     */
    public static Checkpoint open(Path directory) throws IOException {
        Path manifestFile = directory.resolve(MANIFEST);
        if (!Files.isRegularFile(manifestFile)) {
            throw new ModelFileException(manifestFile, "manifest", -1, "does not exist: " + directory
                    + " is not a complete checkpoint");
        }
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(manifestFile));
        } catch (JsonProcessingException e) {
            throw new ModelFileException(manifestFile, "JSON", -1, "not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText(null))) {
            throw new ModelFileException(manifestFile, "format", -1, "must be \"" + FORMAT + "\"");
        }
        if (root.path("version").asInt(-1) != VERSION) {
            throw new ModelFileException(manifestFile, "version", -1, "must be " + VERSION + ", got " + root.get("version"));
        }
        JsonNode stepNode = root.get("step");
        if (stepNode == null || !stepNode.isIntegralNumber() || !stepNode.canConvertToLong() || stepNode.longValue() < 0) {
            throw new ModelFileException(manifestFile, "step", -1, "must be a non-negative integer, got " + stepNode);
        }
        JsonNode partsNode = root.get("parts");
        if (partsNode == null || !partsNode.isObject() || partsNode.isEmpty()) {
            throw new ModelFileException(manifestFile, "parts", -1, "must be a non-empty object of parts");
        }
        Map<String, PartEntry> parts = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : partsNode.properties()) {
            String field = "parts." + e.getKey();
            if (!PART_NAME.matcher(e.getKey()).matches()) {
                throw new ModelFileException(manifestFile, field, -1, "is not a valid part name");
            }
            JsonNode metadata = e.getValue().get("metadata");
            if (metadata == null || !metadata.isObject()) {
                throw new ModelFileException(manifestFile, field + ".metadata", -1, "must be an object");
            }
            JsonNode tensors = e.getValue().get("tensors");
            Path tensorFile = tensors == null ? null : verifiedTensorFile(directory, manifestFile, field, e.getKey(), tensors);
            parts.put(e.getKey(), new PartEntry((ObjectNode) metadata, tensorFile));
        }
        return new Checkpoint(directory, stepNode.longValue(), parts);
    }

    /**
     * The complete checkpoint with the highest step among {@code root/checkpoint-<step>}
     * directories, opened (and so verified); empty when there is none. Hidden leftovers of
     * interrupted saves are not candidates.
     *
     * @throws ModelFileException when the newest checkpoint is damaged (it is not skipped silently)
     */
    public static Optional<Checkpoint> latest(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        List<Path> candidates = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path p : entries) {
                if (STEP_DIRECTORY.matcher(p.getFileName().toString()).matches() && Files.isDirectory(p)) {
                    candidates.add(p);
                }
            }
        }
        Optional<Path> newest = candidates.stream().max(Comparator.comparingLong(Checkpoint::stepOf));
        return newest.isEmpty() ? Optional.empty() : Optional.of(open(newest.get()));
    }

    /**
     * Keeps the {@code keep} checkpoints of highest step under {@code root} and removes the
     * others (Hugging Face Trainer's {@code save_total_limit}), with the hidden leftovers of
     * interrupted saves. Each is first renamed to a hidden name, so a crash while deleting never
     * leaves a visible half checkpoint. Call it from the process that saves, between saves.
     *
     * @throws IllegalArgumentException if {@code keep < 1}
     */
    public static void prune(Path root, int keep) throws IOException {
        if (keep < 1) {
            throw new IllegalArgumentException("keep must be >= 1, got " + keep);
        }
        if (!Files.isDirectory(root)) {
            return;
        }
        List<Path> checkpoints = new ArrayList<>();
        List<Path> leftovers = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (STEP_DIRECTORY.matcher(name).matches() && Files.isDirectory(p)) {
                    checkpoints.add(p);
                } else if (LEFTOVER.matcher(name).matches()) {
                    leftovers.add(p);
                }
            }
        }
        checkpoints.sort(Comparator.comparingLong(Checkpoint::stepOf).reversed());
        for (Path old : checkpoints.subList(Math.min(keep, checkpoints.size()), checkpoints.size())) {
            Path hidden = root.resolve("." + old.getFileName() + ".deleting-" + System.nanoTime());
            atomicMove(old, hidden);
            leftovers.add(hidden);
        }
        for (Path p : leftovers) {
            deleteRecursively(p);
        }
    }

    /** The directory this checkpoint was opened from. */
    public Path directory() {
        return directory;
    }

    /** The step it was saved at. */
    public long step() {
        return step;
    }

    /** The names of its parts, in saved order. */
    public Set<String> partNames() {
        return new LinkedHashSet<>(parts.keySet());
    }

    /** Part {@code name}'s saved state (tensors read now). */
    public StateSnapshot state(String name) throws IOException {
        PartEntry entry = parts.get(name);
        if (entry == null) {
            throw new IllegalArgumentException("checkpoint " + directory + " has no part '" + name + "' (it has "
                    + parts.keySet() + ")");
        }
        return new StateSnapshot(entry.tensorFile() == null ? Map.of() : readTensors(entry.tensorFile()), entry.metadata());
    }

    /**
     * Restores every part. The names must be exactly the checkpoint's parts. All states are read
     * before the first part is restored, so a file that cannot be read changes nothing; a part
     * that rejects its state (a model of another shape) throws before changing itself, though
     * parts restored before it keep the checkpoint's state.
     *
     * @throws IllegalArgumentException naming the missing and unexpected parts, or from a part's
     *                                  {@link Checkpointable#restoreState}
     */
    public void restore(Map<String, ? extends Checkpointable> into) throws IOException {
        if (!into.keySet().equals(parts.keySet())) {
            Set<String> missing = new LinkedHashSet<>(parts.keySet());
            missing.removeAll(into.keySet());
            Set<String> unexpected = new LinkedHashSet<>(into.keySet());
            unexpected.removeAll(parts.keySet());
            throw new IllegalArgumentException("checkpoint " + directory + " has parts " + parts.keySet()
                    + "; restore was given no part for " + missing + " and parts it does not have: " + unexpected);
        }
        Map<String, StateSnapshot> states = new LinkedHashMap<>();
        for (String name : parts.keySet()) {
            states.put(name, state(name));
        }
        for (Map.Entry<String, StateSnapshot> e : states.entrySet()) {
            try {
                into.get(e.getKey()).restoreState(e.getValue());
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("part '" + e.getKey() + "' of " + directory + ": " + ex.getMessage(), ex);
            }
        }
    }

    // ---------------------------------------------------------------- writing

    private static void writeTensors(Path file, Map<String, INDArray> tensors) throws IOException {
        SafetensorsWriter writer = new SafetensorsWriter(FloatEncoding.F32).metadata("format", FORMAT);
        for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
            INDArray a = e.getValue();
            writer.tensor(e.getKey(), a.shape(), a.dup('c').data().asFloat());
        }
        writer.write(file);
        force(file);
    }

    /** Renames {@code temp} to {@code target}, moving an existing {@code target} aside first. */
    private static void moveIntoPlace(Path temp, Path target) throws IOException {
        Path old = null;
        if (Files.exists(target)) {
            old = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".old-");
            Files.delete(old);
            atomicMove(target, old);
        }
        try {
            atomicMove(temp, target);
        } catch (IOException e) {
            if (old != null) {
                atomicMove(old, target); // put the previous checkpoint back
            }
            throw e;
        }
        if (old != null) {
            deleteRecursively(old);
        }
    }

    private static void atomicMove(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + from + " to " + to + " atomically (checkpoints need a file system"
                    + " that renames directories atomically)", e);
        }
    }

    /** Flushes a file or directory to the device; directories cannot be opened for this on some systems. */
    private static void force(Path path) throws IOException {
        boolean directory = Files.isDirectory(path);
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            if (!directory) {
                throw e;
            }
        }
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.delete(p);
                } catch (NoSuchFileException ignored) {
                    // already gone
                }
            }
        }
    }

    // ---------------------------------------------------------------- reading

    private static Path verifiedTensorFile(Path directory, Path manifestFile, String field, String part, JsonNode tensors)
            throws IOException {
        String expectedName = part + TENSOR_SUFFIX;
        if (!tensors.isObject() || !expectedName.equals(tensors.path("file").asText(null))) {
            throw new ModelFileException(manifestFile, field + ".tensors.file", -1, "must be \"" + expectedName + "\"");
        }
        JsonNode bytes = tensors.get("bytes");
        JsonNode crc = tensors.get("crc32c");
        if (bytes == null || !bytes.canConvertToLong() || crc == null || !crc.isTextual()) {
            throw new ModelFileException(manifestFile, field + ".tensors", -1, "needs integer 'bytes' and string 'crc32c'");
        }
        Path file = directory.resolve(expectedName);
        if (!Files.isRegularFile(file)) {
            throw new ModelFileException(file, "file", -1, "is missing from the checkpoint");
        }
        long size = Files.size(file);
        if (size != bytes.longValue()) {
            throw new ModelFileException(file, "size", -1, size + " bytes, the manifest says " + bytes.longValue()
                    + " (truncated or overwritten)");
        }
        String actual = crc32c(file);
        if (!actual.equals(crc.textValue())) {
            throw new ModelFileException(file, "crc32c", -1, actual + ", the manifest says " + crc.textValue()
                    + " (the file is damaged)");
        }
        return file;
    }

    private static Map<String, INDArray> readTensors(Path file) throws IOException {
        SafetensorsFile st = SafetensorsFile.read(file);
        Map<String, INDArray> tensors = new LinkedHashMap<>();
        for (SafetensorsTensorInfo t : st.tensors()) {
            if (t.dtype() != SafetensorsDtype.F32) {
                throw new ModelFileException(file, "tensor '" + t.name() + "' dtype", -1, t.dtype()
                        + ": checkpoint tensors are F32");
            }
            float[] values = st.tensorAsFloats(t.name());
            long[] shape = t.shape();
            tensors.put(t.name(), shape.length == 0 ? Nd4j.scalar(values[0]) : Nd4j.create(values, shape, 'c'));
        }
        return tensors;
    }

    private static String crc32c(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (channel.read(buffer) >= 0) {
                buffer.flip();
                crc.update(buffer);
                buffer.clear();
            }
        }
        return String.format("%08x", crc.getValue());
    }

    private static long stepOf(Path directory) {
        Matcher m = STEP_DIRECTORY.matcher(directory.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    private static void requireStep(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
    }

    private static void requirePartName(String name) {
        if (name == null || !PART_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("part name '" + name + "' must be letters, digits, '_' or '-', starting"
                    + " with a letter or digit");
        }
    }

    @Override
    public String toString() {
        return "Checkpoint[" + directory + ", step " + step + ", parts " + parts.keySet() + "]";
    }
}
