package org.sss.queuemanager.internal.pbs;

/** How the job's standard output and standard error streams are joined ({@code -j}). */
public enum Join {
    /** {@code -j oe}: standard error goes into the output file. */
    OUTPUT_AND_ERROR,
    /** {@code -j eo}: standard output goes into the error file. */
    ERROR_AND_OUTPUT,
    /** {@code -j n}, the default: two separate files. */
    NONE
}
