package org.prefalign.bench;

/**
 * The options of every forked benchmark JVM, as constants for {@code @Fork(jvmArgsAppend = ...)}:
 * the Vector API module (the kernels' fast path and the bandwidth floor need it), the heap, and
 * JavaCPP's off-heap limits (ND4J buffers count against them; the default is too tight for
 * a 262 MB tensor and its temporaries), as the parent pom's {@code javacpp.limits}.
 */
final class BenchJvm {

    static final String ADD_MODULES = "--add-modules";
    static final String VECTOR_MODULE = "jdk.incubator.vector";
    static final String HEAP = "-Xmx2g";
    static final String MAX_BYTES = "-Dorg.bytedeco.javacpp.maxbytes=4G";
    static final String MAX_PHYSICAL_BYTES = "-Dorg.bytedeco.javacpp.maxphysicalbytes=8G";
    static final String QUIET_LOG = "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn";

    private BenchJvm() {
    }
}
