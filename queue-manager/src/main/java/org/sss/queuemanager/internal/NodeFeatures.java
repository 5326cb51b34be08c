package org.sss.queuemanager.internal;

import java.util.List;

/** Tells which node of a start lacks the features or GPUs its job asks for (as the node state manager lists them). */
@FunctionalInterface
public interface NodeFeatures {
    /**
     * @param nodes    a start's nodes
     * @param features what each must offer
     * @param gpus     the GPUs each must have
     * @return the first node without them, or null; never blocks (the job table asks it under its lock)
     */
    String lacking(List<String> nodes, List<String> features, int gpus);
}
