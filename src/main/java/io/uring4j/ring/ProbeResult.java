package io.uring4j.ring;

import io.uring4j.ErrnoException;
import io.uring4j.sys.Probe;
import io.uring4j.sys.ProbeOp;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/** What IORING_REGISTER_PROBE reported: the last opcode the kernel knows and which it supports. */
public final class ProbeResult {
    private static final int CAPACITY = 256;
    private final int lastOp;
    private final BitSet supported;

    private ProbeResult(int lastOp, BitSet supported) {
        this.lastOp = lastOp;
        this.supported = supported;
    }

    static ProbeResult of(Ring ring) throws ErrnoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(Probe.SIZE + ProbeOp.SIZE * CAPACITY, 8);
            ring.register(RegisterOp.PROBE, p, CAPACITY);
            int last = p.get(JAVA_BYTE, Probe.LAST_OP) & 0xff;
            int len = p.get(JAVA_BYTE, Probe.OPS_LEN) & 0xff;
            BitSet bits = new BitSet();
            for (int i = 0; i < len; i++) {
                long at = Probe.OPS + ProbeOp.SIZE * i;
                if ((p.get(JAVA_SHORT, at + ProbeOp.FLAGS) & ProbeOp.SUPPORTED) != 0)
                    bits.set(p.get(JAVA_BYTE, at + ProbeOp.OP) & 0xff);
            }
            return new ProbeResult(last, bits);
        }
    }

    /** The highest opcode number this kernel knows. */
    public int lastOp() { return lastOp; }

    public boolean supports(Opcode op) { return supported.get(op.code()); }

    public boolean supports(int opcode) { return supported.get(opcode); }

    /** Names of the supported operations (kernel spelling minus IORING_OP_), in opcode order. */
    public List<String> supportedNames() {
        List<String> out = new ArrayList<>();
        for (int i = supported.nextSetBit(0); i >= 0; i = supported.nextSetBit(i + 1)) {
            Opcode op = Opcode.of(i);
            out.add(op == null ? "OP_" + i : op.name());
        }
        return out;
    }

    public int supportedCount() { return supported.cardinality(); }
}
