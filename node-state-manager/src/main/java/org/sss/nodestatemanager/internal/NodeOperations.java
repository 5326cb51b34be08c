package org.sss.nodestatemanager.internal;

import org.sss.lib.error.SssException;
import org.sss.lib.server.MessageDispatcher;
import org.sss.lib.server.RequestContext;
import org.sss.lib.wire.Principal;
import org.sss.lib.xml.Restriction;
import org.sss.schema.GetNodeState;
import org.sss.schema.NodeStates;
import org.sss.schema.SetNodeState;

/**
 * The node state manager's XML operations: {@code get-node-state} (anyone; restrictions on name and state) and
 * {@code set-node-state} (components and administrators).
 */
public final class NodeOperations {
    private final NodeService service;

    /** @param service the nodes */
    public NodeOperations(NodeService service) {
        this.service = service;
    }

    /** @param dispatcher where to register the operations */
    public void registerOn(MessageDispatcher dispatcher) {
        dispatcher.register("get-node-state", GetNodeState.class, (request, context) -> query(request));
        dispatcher.register("set-node-state", SetNodeState.class, this::set);
    }

    private NodeStates query(GetNodeState request) {
        NodeStates reply = new NodeStates();
        for (NodeTable.View view : service.nodes()) {
            for (GetNodeState.Node restriction : request.getNode()) {
                if (Restriction.matches(restriction.getName(), view.name())
                        && Restriction.matches(restriction.getState(), view.state().xmlName())) {
                    reply.getNodeState().add(view.toXml());
                    break;
                }
            }
        }
        return reply;
    }

    private NodeStates set(SetNodeState request, RequestContext context) throws SssException {
        Principal principal = context.principal();
        if (!principal.isPrivileged()) {
            throw SssException.permissionDenied(principal + " may not set node states; administrators do");
        }
        NodeTable.View view = service.set(request.getName(), NodeState.fromXml(request.getState().value()),
                request.getReason(), principal.toString());
        NodeStates reply = new NodeStates();
        reply.getNodeState().add(view.toXml());
        return reply;
    }
}
