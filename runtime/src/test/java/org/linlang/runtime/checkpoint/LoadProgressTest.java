package org.linlang.runtime.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LoadProgressTest {
    @Test
    void drawsABarInPlaceAndEndsTheLine() {
        var out = new ByteArrayOutputStream();
        LoadProgress bar = LoadProgress.start(out, "ckpt", 200L << 20, LoadProgress.THRESHOLD);
        bar.advance(100L << 20);
        bar.advance(100L << 20);
        bar.finish();
        assertEquals("\rloading ckpt [###############...............]  50%  100.0 MB/200.0 MB"
                + "\rloading ckpt [##############################] 100%  200.0 MB/200.0 MB\n", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void smallLoadsDrawNothing() {
        var out = new ByteArrayOutputStream();
        LoadProgress bar = LoadProgress.start(out, "ckpt", 1 << 20, LoadProgress.THRESHOLD);
        bar.advance(1 << 20);
        bar.finish();
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }
}
