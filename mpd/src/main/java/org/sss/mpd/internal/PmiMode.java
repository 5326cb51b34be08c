package org.sss.mpd.internal;

/**
 * Which process-management interfaces an mpd serves a job's ranks ({@code mpiexec --pmi}, the job spec's
 * {@code pmi} line): PMI-1, which MPICH speaks, PMIx, which Open MPI speaks, or both — the default, so that either
 * kind of program runs with no flag. A rank uses the one its MPI library knows; the other stays idle.
 */
public enum PmiMode {
    /** PMI-1 and PMIx: each rank gets both sets of variables. */
    BOTH("both"),
    /** PMI-1 only: no PMIx namespace is registered and no PMIx variable is set. */
    PMI1("pmi1"),
    /** PMIx only: no {@code PMI_PORT}/{@code PMI_ID}; a host that cannot serve PMIx fails the ranks it should start. */
    PMIX("pmix");

    private final String wire;

    PmiMode(String wire) {
        this.wire = wire;
    }

    /** @return the name on the wire and on mpiexec's command line */
    public String wire() {
        return wire;
    }

    /** @return whether ranks are served PMI-1 */
    public boolean servesPmi1() {
        return this != PMIX;
    }

    /** @return whether ranks are served PMIx */
    public boolean servesPmix() {
        return this != PMI1;
    }

    /**
     * @param name {@code both}, {@code pmi1} or {@code pmix}
     * @return the mode of that name
     * @throws IllegalArgumentException for any other name
     */
    public static PmiMode of(String name) {
        for (PmiMode mode : values()) {
            if (mode.wire.equals(name)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("pmi must be both, pmi1 or pmix, not " + name);
    }
}
