package org.sss.processmanager.internal;

import java.util.List;
import org.sss.lib.util.Words;
import org.sss.mpd.internal.Confinement;
import org.sss.schema.CreatepgType;

/** What the ring holds a process group to, from its create request. Stateless. */
final class GroupConfinement {
    private GroupConfinement() {
    }

    /**
     * What the ring holds a group to: a control group named after it on each of its hosts, the allocation and the
     * limits its creator gave.
     */
    static Confinement of(String pgid, CreatepgType request) {
        List<String> allocation = Words.list(request.getAllocation());
        long memory = request.getMemoryLimit() == null ? 0 : Math.max(0, request.getMemoryLimit());
        long cpu = request.getCpuLimit() == null ? 0 : Math.max(0, request.getCpuLimit());
        // One name per pgid (a_b, a:b and a@b must not share a control group, its limits and its CPU account).
        StringBuilder name = new StringBuilder(pgid.length());
        for (char c : pgid.toCharArray()) {
            boolean plain = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.';
            name.append(plain && !(c == '.' && name.isEmpty()) ? String.valueOf(c) : String.format("_%02x", (int) c));
        }
        return new Confinement(name.toString(), allocation, memory, cpu, "");
    }
}
