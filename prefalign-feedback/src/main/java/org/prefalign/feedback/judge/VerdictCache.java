package org.prefalign.feedback.judge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Judge replies on disk, so that a rerun never pays again for a verdict it already has.
 *
 * <p>The file is JSON lines {@code {"key": …, "verdict": …, "output": …}}: the key is the SHA-256
 * of a canonical JSON of (judge model, sampling settings, template, inputs) — {@link #key} — the
 * verdict is there for people reading the file, and the judge re-reads the verdict from
 * {@code output}. Each entry is appended as one write of one line and forced to the device
 * ({@link FileChannel#force}) before {@link #put} returns, so a crash loses only the calls still in
 * flight. On open, a torn last line (a crash mid-write) is counted, cut off and ignored; a
 * malformed line anywhere else is not a crash's doing and stops the open with the file and line.
 * The file is locked for the lifetime of the cache, so two processes cannot interleave lines.
 */
public final class VerdictCache implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private final Path path;
    private final FileChannel channel;
    private final FileLock lock;
    private final Map<String, String> outputs = new ConcurrentHashMap<>();
    private final int loaded;
    private final int tornLines;

    private VerdictCache(Path path, FileChannel channel, FileLock lock, Map<String, String> outputs, int tornLines) {
        this.path = path;
        this.channel = channel;
        this.lock = lock;
        this.outputs.putAll(outputs);
        this.loaded = outputs.size();
        this.tornLines = tornLines;
    }

    /** A cache that remembers nothing (every verdict is fetched). */
    public static VerdictCache none() {
        return new VerdictCache(null, null, null, Map.of(), 0);
    }

    /**
     * Opens (creating if needed) the cache file at {@code path} and loads its entries.
     *
     * @throws IllegalStateException    if another process holds the file
     * @throws IllegalArgumentException naming file and line if a line other than the last is malformed
     */
    public static VerdictCache open(Path path) {
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new IllegalStateException("judge cache " + path + " is in use by another judge or process");
            }
            try {
                return load(path, channel, lock);
            } catch (RuntimeException | IOException e) {
                lock.release();
                channel.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("judge cache " + path + ": " + e.getMessage(), e);
        }
    }

    private static VerdictCache load(Path path, FileChannel channel, FileLock lock) throws IOException {
        byte[] bytes = Files.readAllBytes(path);
        Map<String, String> outputs = new ConcurrentHashMap<>();
        int start = 0;
        int line = 0;
        long goodEnd = 0;
        int torn = 0;
        while (start < bytes.length) {
            int nl = indexOf(bytes, (byte) '\n', start);
            int end = nl < 0 ? bytes.length : nl;
            line++;
            boolean last = nl < 0 || nl == bytes.length - 1;
            String text = new String(bytes, start, end - start, StandardCharsets.UTF_8);
            Optional<String[]> entry = nl < 0 ? Optional.empty() : parse(text);
            if (entry.isPresent()) {
                outputs.put(entry.get()[0], entry.get()[1]);
                goodEnd = nl + 1L;
            } else if (last) {
                torn++; // a crash mid-append leaves a prefix of one line (or a zero-filled block) at the end
            } else if (!text.isBlank()) {
                throw new IllegalArgumentException("judge cache " + path + " line " + line
                        + ": not a cache entry {\"key\", \"output\"} (only the last line can be torn by a crash): "
                        + (text.length() > 80 ? text.substring(0, 80) + "…" : text));
            } else {
                goodEnd = nl + 1L;
            }
            start = end + 1;
        }
        if (goodEnd < bytes.length) {
            channel.truncate(goodEnd);
            channel.force(true);
        }
        channel.position(goodEnd);
        return new VerdictCache(path, channel, lock, outputs, torn);
    }

    private static Optional<String[]> parse(String line) {
        try {
            JsonNode n = JSON.readTree(line);
            if (n != null && n.path("key").isTextual() && n.path("output").isTextual()) {
                return Optional.of(new String[] {n.get("key").asText(), n.get("output").asText()});
            }
        } catch (JsonProcessingException e) {
            // falls through: not an entry
        }
        return Optional.empty();
    }

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The cache key of a judge call: SHA-256 (hex) of the canonical JSON (keys sorted, no spaces) of
     * {@code {"inputs": …, "max_tokens": …, "model": …, "system": …, "temperature": …, "user": …}}.
     */
    public static String key(JudgeEndpoint endpoint, PromptTemplate template, Map<String, String> inputs) {
        Map<String, Object> canonical = Map.of(
                "model", endpoint.model(),
                "temperature", endpoint.temperature(),
                "max_tokens", endpoint.maxTokens(),
                "system", template.system(),
                "user", template.user(),
                "inputs", new TreeMap<>(inputs));
        try {
            byte[] json = CANONICAL.writeValueAsBytes(new TreeMap<>(canonical));
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot compute a judge cache key", e);
        }
    }

    /** The cached reply for {@code key}. */
    public Optional<String> get(String key) {
        return Optional.ofNullable(outputs.get(key));
    }

    /** Appends an entry durably (written and forced to the device) before returning. */
    public void put(String key, String verdict, String output) {
        if (channel == null) {
            return;
        }
        ObjectNode entry = JSON.createObjectNode().put("key", key).put("verdict", verdict).put("output", output);
        byte[] line = (entry.toString() + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (this) {
            if (outputs.containsKey(key)) {
                return;
            }
            try {
                ByteBuffer buf = ByteBuffer.wrap(line);
                while (buf.hasRemaining()) {
                    channel.write(buf);
                }
                channel.force(false);
            } catch (IOException e) {
                throw new UncheckedIOException("judge cache " + path + ": cannot append a verdict: " + e.getMessage(), e);
            }
            outputs.put(key, output);
        }
    }

    /** Entries in the cache now. */
    public int size() {
        return outputs.size();
    }

    /** Entries read from the file when it was opened. */
    public int loaded() {
        return loaded;
    }

    /** Torn lines found (and cut off) when the file was opened: 0 or 1. */
    public int tornLines() {
        return tornLines;
    }

    /** The file, or null for {@link #none()}. */
    public Path path() {
        return path;
    }

    @Override
    public synchronized void close() {
        if (channel == null || !channel.isOpen()) {
            return;
        }
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("judge cache " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "VerdictCache[" + (path == null ? "none" : path) + ", " + outputs.size() + " verdicts]";
    }
}
