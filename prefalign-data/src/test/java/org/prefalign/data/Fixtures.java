package org.prefalign.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.prefalign.data.record.Content;
import org.prefalign.data.record.Message;

/** The fixture files under {@code src/test/resources/data} and short constructors for expected values. */
public final class Fixtures {

    private Fixtures() {
    }

    /** The fixture file of that name. */
    public static Path file(String name) {
        URL url = Fixtures.class.getResource("/data/" + name);
        if (url == null) {
            throw new IllegalArgumentException("no fixture " + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code plain} gzip-compressed. */
    public static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(plain);
        }
        return bytes.toByteArray();
    }

    public static Content text(String s) {
        return Content.text(s);
    }

    public static Content user(String s) {
        return Content.chat(Message.user(s));
    }

    public static Content assistant(String s) {
        return Content.chat(Message.assistant(s));
    }
}
