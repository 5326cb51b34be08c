package org.sss.queuemanager.internal;

import java.math.BigDecimal;
import java.sql.SQLException;
import org.sss.lib.error.ErrorCode;
import org.sss.lib.error.SssException;
import org.sss.lib.server.MessageDispatcher;
import org.sss.lib.server.RequestContext;
import org.sss.lib.wire.Principal;
import org.sss.schema.Accounting;
import org.sss.schema.AccountingQuery;
import org.sss.schema.AccountingRecordType;

/**
 * The queue manager's {@code accounting-query}: completed jobs' records, a user's own only (naming another user is
 * {@code permission-denied}; {@code *} or no user means their own), anyone's for components and administrators.
 */
public final class AccountingOperations {
    private final AccountingRecords records;

    /** @param records the records */
    public AccountingOperations(AccountingRecords records) {
        this.records = records;
    }

    /** @param dispatcher where to register the operation */
    public void registerOn(MessageDispatcher dispatcher) {
        dispatcher.register("accounting-query", AccountingQuery.class, this::query);
    }

    private Object query(AccountingQuery request, RequestContext context) throws SssException {
        Principal principal = context.principal();
        String asked = request.getUser() == null || request.getUser().equals("*") ? null : request.getUser();
        String user;
        if (principal.isPrivileged()) {
            user = asked;
        } else {
            if (asked != null && !asked.equals(principal.user())) {
                throw SssException.permissionDenied(principal + " may read their own accounting records only, not "
                        + asked + "'s");
            }
            user = principal.user();
        }
        AccountingRecords.Query query = new AccountingRecords.Query(request.getJob(), user, request.getSince(),
                request.getUntil(), request.getLimit());
        Accounting reply = new Accounting();
        try {
            for (AccountingRecords.Record record : records.read(query)) {
                reply.getRecord().add(xml(record));
            }
        } catch (SQLException e) {
            throw new SssException(ErrorCode.UNAVAILABLE, "accounting records cannot be read: " + e.getMessage(), e);
        }
        return reply;
    }

    private static AccountingRecordType xml(AccountingRecords.Record record) {
        AccountingRecordType type = new AccountingRecordType();
        type.setId(record.id());
        type.setUser(record.user());
        type.setName(record.name());
        type.setQueue(record.queue());
        if (!record.account().isEmpty()) {
            type.setAccount(record.account());
        }
        type.setQos(record.qos());
        if (!record.nodes().isEmpty()) {
            type.setAllocated(String.join(" ", record.nodes()));
        }
        type.setNodes(record.nodeCount());
        type.setPpn(record.ppn());
        type.setWalltime(record.walltimeLimit());
        type.setSubmitted(record.submitted());
        type.setStarted(record.started());
        type.setEnded(record.ended());
        type.setExitStatus(record.exitStatus());
        if (!record.reason().isEmpty()) {
            type.setReason(record.reason());
        }
        type.setRuns(record.runs());
        type.setWalltimeUsed(BigDecimal.valueOf(record.walltimeUsedMillis(), 3));
        if (record.usage().cpuMillis() != null) {
            type.setCpuTime(BigDecimal.valueOf(record.usage().cpuMillis(), 3));
        }
        type.setMaxMemory(record.usage().maxMemoryBytes());
        return type;
    }
}
