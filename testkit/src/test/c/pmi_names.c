/* Hostile use of PMI-1's name service (issue 21), with this project's raw PMI-1 client:
 *   pmi_names flood PREFIX   publishes PREFIX0, PREFIX1, ... until one is refused and prints
 *                            "published N, then: MSG"; then a service of 600 characters ("long service: MSG"),
 *                            a port of 1,100 ("long port: CMD MSG") and a lookup without a service ("no service:
 *                            CMD"), then looks PREFIX0 up ("lookup PREFIX0: PORT") and finalizes, leaving its names
 *                            published
 *   pmi_names lookup NAME    prints "lookup NAME: PORT" or "lookup NAME: fail MSG" */
#include "pmi.h"

static const char *field(pmi_conn *c, const char *key, char *out, size_t size) {
    const char *value = pmi_field(c, key, out, size);
    return value ? value : "(none)";
}

static void lookup(pmi_conn *c, const char *name) {
    char info[64], value[1100];
    pmi_send(c, "cmd=lookup_name service=%s\n", name);
    if (pmi_expect(c, "lookup_result") != 0) {
        printf("lookup %s: no lookup_result\n", name);
    } else if (!strcmp(field(c, "info", info, sizeof info), "ok")) {
        printf("lookup %s: %s\n", name, field(c, "port", value, sizeof value));
    } else {
        printf("lookup %s: fail %s\n", name, field(c, "msg", value, sizeof value));
    }
}

int main(int argc, char **argv) {
    pmi_conn c;
    if (argc < 3 || pmi_connect(&c) != 0) {
        return 2;
    }
    char info[64], msg[512], cmd[64];
    if (!strcmp(argv[1], "flood")) {
        int n = 0;
        for (;; n++) {
            pmi_send(&c, "cmd=publish_name service=%s%d port=port-%d\n", argv[2], n, n);
            if (pmi_expect(&c, "publish_result") != 0) {
                return 1;
            }
            if (strcmp(field(&c, "info", info, sizeof info), "ok")) {
                break;
            }
        }
        printf("published %d, then: %s\n", n, field(&c, "msg", msg, sizeof msg));
        char service[601], port[1101];
        memset(service, 's', 600);
        service[600] = 0;
        memset(port, 'p', 1100);
        port[1100] = 0;
        pmi_send(&c, "cmd=publish_name service=%s port=x\n", service);
        pmi_read(&c);
        printf("long service: %s\n", field(&c, "msg", msg, sizeof msg));
        pmi_send(&c, "cmd=publish_name service=x port=%s\n", port);
        pmi_read(&c);
        printf("long port: %s %s\n", field(&c, "cmd", cmd, sizeof cmd), field(&c, "msg", msg, sizeof msg));
        pmi_send(&c, "cmd=lookup_name\n");
        pmi_read(&c);
        printf("no service: %s\n", field(&c, "cmd", cmd, sizeof cmd));
        char first[300];
        snprintf(first, sizeof first, "%s0", argv[2]);
        lookup(&c, first);
    } else if (!strcmp(argv[1], "lookup")) {
        lookup(&c, argv[2]);
    }
    fflush(stdout);
    pmi_send(&c, "cmd=finalize\n");
    pmi_expect(&c, "finalize_ack");
    return 0;
}
