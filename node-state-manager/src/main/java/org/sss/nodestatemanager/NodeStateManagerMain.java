package org.sss.nodestatemanager;

import org.sss.lib.runtime.ComponentMain;

/** {@code node-state-manager [--config FILE]}: runs the node state manager in the foreground. */
public final class NodeStateManagerMain {
    private NodeStateManagerMain() {
    }

    /** @param args the command line */
    public static void main(String[] args) {
        ComponentMain.run(NodeStateManager.NAME, "Runs the SSS node state manager: which nodes take new work.", args,
                config -> NodeStateManagerSettings.from(config).component(), NodeStateManager::start);
    }
}
