package org.sss.lib.tool;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.sss.lib.client.ComponentClient;
import org.sss.lib.error.SssException;
import org.sss.schema.GetNodeState;
import org.sss.schema.NodeState;
import org.sss.schema.NodeStateType;
import org.sss.schema.NodeStates;
import org.sss.schema.SetNodeState;

/** {@code sssadmin nodes | drain | offline | resume}: node states through the node state manager. */
final class AdminNodes {
    private static final String COMPONENT = "node-state-manager";

    private AdminNodes() {
    }

    static int list(ComponentClient components, List<String> args, PrintStream out) throws SssException {
        if (!args.isEmpty()) {
            throw new AdminUsageException("nodes takes no arguments");
        }
        GetNodeState query = new GetNodeState();
        GetNodeState.Node all = new GetNodeState.Node();
        all.setName("*");
        query.getNode().add(all);
        List<NodeStateType> nodes = components.call(COMPONENT, query, NodeStates.class).getNodeState();
        out.printf("%-16s %-8s %5s %-16s %-20s %s%n", "NODE", "STATE", "SLOTS", "FEATURES", "SINCE", "REASON");
        for (NodeStateType node : nodes) {
            out.printf("%-16s %-8s %5s %-16s %-20s %s%n", node.getName(), node.getState().value(),
                    node.getSlots() == null ? "" : node.getSlots(), node.getFeatures() == null ? "" : node.getFeatures(),
                    node.getSince() == null ? "" : node.getSince().toString().replace('T', ' ').replaceAll("\\.\\d+Z$", "Z"),
                    node.getReason() == null ? "" : node.getReason());
        }
        return SssadminMain.OK;
    }

    static int set(ComponentClient components, String command, List<String> args, PrintStream out) throws SssException {
        List<String> names = new ArrayList<>();
        String reason = null;
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("--reason")) {
                if (i + 1 >= args.size()) {
                    throw new AdminUsageException("--reason needs a text");
                }
                reason = args.get(++i);
            } else if (args.get(i).startsWith("-")) {
                throw new AdminUsageException("unknown option " + args.get(i));
            } else {
                names.add(args.get(i));
            }
        }
        if (names.isEmpty()) {
            throw new AdminUsageException(command + " needs at least one NODE");
        }
        NodeState state = switch (command) {
            case "drain" -> NodeState.DRAINED;
            case "offline" -> NodeState.OFFLINE;
            default -> NodeState.UP;
        };
        for (String name : names) {
            SetNodeState request = new SetNodeState();
            request.setName(name);
            request.setState(state);
            request.setReason(reason);
            NodeStateType node = components.call(COMPONENT, request, NodeStates.class).getNodeState().getFirst();
            out.println(node.getName() + ": " + node.getState().value()
                    + (node.getReason() == null ? "" : " (" + node.getReason() + ")"));
        }
        return SssadminMain.OK;
    }
}
