package org.sss.mpd.internal.pmi;

/**
 * The sizes this PMI server announces ({@code cmd=maxes}) and enforces, the same as Hydra's. MPICH's client clamps
 * the value length to 1024 - 256 - 64 - 30 = 674 so that every reply line stays under its 1,024-byte line buffer.
 */
public final class PmiLimits {
    /** Longest KVS name. */
    public static final int KVSNAME_MAX = 256;
    /** Longest key. */
    public static final int KEYLEN_MAX = 64;
    /** Longest value. */
    public static final int VALLEN_MAX = 1024;
    /** Longest request line accepted (a put of the longest key and value fits with room to spare). */
    public static final int MAX_LINE = 2048;
    /** Longest PMI_process_mapping value sent (a reply line must stay below MPICH's 1,024 bytes). */
    public static final int MAX_MAPPING = 600;

    private PmiLimits() {
    }
}
