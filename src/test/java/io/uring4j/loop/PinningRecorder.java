package io.uring4j.loop;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** An in-process JFR recording of {@code jdk.VirtualThreadPinned} (threshold 0: every pinned park). */
final class PinningRecorder implements AutoCloseable {
    private final Recording recording = new Recording();

    PinningRecorder() {
        recording.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
        recording.start();
    }

    /** Stops and returns the pinned events recorded. */
    List<RecordedEvent> stop() throws Exception {
        recording.stop();
        Path f = Files.createTempFile("pinning", ".jfr");
        try {
            recording.dump(f);
            return RecordingFile.readAllEvents(f).stream()
                    .filter(e -> e.getEventType().getName().equals("jdk.VirtualThreadPinned")).toList();
        } finally {
            Files.deleteIfExists(f);
        }
    }

    @Override
    public void close() {
        recording.close();
    }
}
