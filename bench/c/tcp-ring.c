/* The floor for a token ring on this machine: N processes in a ring over loopback TCP (TCP_NODELAY), passing one
 * 32-byte message around LOOPS times, each hop one read and one write. No framing, no parsing, no authentication:
 * what any ring of N processes costs here before its own work. Usage: tcp-ring N LOOPS */
#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: tcp-ring N LOOPS\n");
        return 2;
    }
    int n = atoi(argv[1]), loops = atoi(argv[2]);
    int listener[256], port[256];
    if (n < 2 || n > 256 || loops < 1) {
        fprintf(stderr, "tcp-ring: 2 <= N <= 256, LOOPS >= 1\n");
        return 2;
    }
    for (int i = 0; i < n; i++) {
        struct sockaddr_in a = {0};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(0x7f000001);
        listener[i] = socket(AF_INET, SOCK_STREAM, 0);
        if (bind(listener[i], (void *)&a, sizeof a) != 0 || listen(listener[i], 4) != 0) {
            perror("tcp-ring");
            return 1;
        }
        socklen_t size = sizeof a;
        getsockname(listener[i], (void *)&a, &size);
        port[i] = ntohs(a.sin_port);
    }
    for (int i = 0; i < n; i++) {
        if (fork() != 0) {
            continue;
        }
        struct sockaddr_in a = {0};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(0x7f000001);
        a.sin_port = htons(port[(i + 1) % n]);
        int right = socket(AF_INET, SOCK_STREAM, 0), one = 1;
        setsockopt(right, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (connect(right, (void *)&a, sizeof a) != 0) {
            perror("tcp-ring connect");
            exit(1);
        }
        int left = accept(listener[i], 0, 0);
        char token[32];
        long hops = 0;
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        if (i == 0 && write(right, "token-message-of-32-bytes-xxxxx", 32) != 32) {
            exit(1);
        }
        for (;;) {
            if (read(left, token, 32) <= 0) {
                break;
            }
            if (i == 0 && ++hops >= loops) {
                break;
            }
            if (write(right, token, 32) != 32) {
                break;
            }
        }
        if (i == 0) {
            clock_gettime(CLOCK_MONOTONIC, &t1);
            double s = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
            printf("C tcp-ring of %d: %d loops = %.6f seconds; %ld hops = %.0f hops/s\n", n, loops, s, (long)loops * n,
                   loops * n / s);
        }
        close(right);
        close(left);
        exit(0);
    }
    for (int i = 0; i < n; i++) {
        wait(NULL);
    }
    return 0;
}
