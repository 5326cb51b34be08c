/*
 * sss-pty: the remote end of an interactive job's terminal (qsub -I). It is the job's "script": started through the
 * ring on the job's first node, as the job's user, with the job's environment (PBS_JOBID, PBS_NODEFILE, ...). It
 * connects back to the qsub that waits on the login host (HOST PORT, as PBS's MOM does), proves it is that job's
 * end with the token qsub wrote into the job's script (SSS_PTY_TOKEN, removed from the environment before the shell
 * starts), opens a pseudo-terminal whose slave becomes the controlling terminal and standard input, output and error
 * of the user's login shell (the shell of the user's passwd entry, argv[0] "-NAME"; SHELL, HOME, USER and LOGNAME
 * set from that entry as login(1) sets them; the working directory is the job's), and relays: the terminal's bytes
 * from qsub go into the master, so ^C and ^Z reach the shell as bytes that the line discipline turns into signals,
 * and what the master gives goes back. It exits with the shell's status (128+N for a signal) after telling qsub.
 *
 * Wire (TCP). First a handshake in which each end proves it knows the token without sending it, so that neither a
 * stranger who connects to qsub nor one who listens on qsub's port (qsub gone, the port taken) gets the other end:
 *   sss-pty -> qsub: "sss-pty 2 NP\n"                 NP: 32 hex digits, random
 *   qsub -> sss-pty: "qsub NQ MQ\n"                    NQ: 32 hex digits, random; MQ = HMAC-SHA256(token, "qsub NP NQ")
 *   sss-pty -> qsub: "sss-pty MP\n"                    MP = HMAC-SHA256(token, "sss-pty NQ NP"), each MAC in hex
 * A wrong MAC ends the connection (sss-pty exits 1 before any shell starts). Then, both ways, frames TYPE(1 byte)
 * LENGTH(4 bytes, big-endian, at most 65536) DATA.
 *   sss-pty -> qsub: 'd' output bytes, 'x' the exit status as decimal text.
 *   qsub -> sss-pty: 'w' "ROWS COLS" (the first frame, before the shell starts, then on every SIGWINCH), 'd' input.
 * A signal that ends the job (SIGTERM, SIGHUP, SIGINT: walltime, qdel) hangs the shell's session up (SIGHUP and
 * SIGCONT to its process group, SIGKILL 2 s later), as a terminal that goes away does; so does qsub going away.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "sha256.h"

/* TCP keepalive of the connection to qsub: seconds of silence before probing, between probes, probes unanswered. */
#define KEEPALIVE_IDLE 60
#define KEEPALIVE_INTERVAL 10
#define KEEPALIVE_COUNT 6

#define MAX_FRAME 65536

static volatile sig_atomic_t ending;

static void on_end(int sig) { ending = sig; }

static void die(const char *what) {
  fprintf(stderr, "sss-pty: %s: %s\n", what, strerror(errno));
  exit(1);
}

/* A signal that ends the job interrupts a blocked write or read (the handlers have no SA_RESTART): it then fails, so
   that a qsub that stopped reading cannot keep sss-pty from hanging the shell up. */
static int write_all(int fd, const void *buf, size_t len) {
  const char *p = buf;
  while (len > 0) {
    if (ending) return -1; /* a write cut short by the signal returns what it wrote; the next would block again */
    ssize_t n = write(fd, p, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

static int read_all(int fd, void *buf, size_t len) {
  char *p = buf;
  while (len > 0) {
    if (ending) return -1;
    ssize_t n = read(fd, p, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

static int send_frame(int sock, char type, const void *data, uint32_t len) {
  unsigned char head[5] = {(unsigned char)type, (unsigned char)(len >> 24), (unsigned char)(len >> 16),
                           (unsigned char)(len >> 8), (unsigned char)len};
  return write_all(sock, head, 5) == 0 && write_all(sock, data, len) == 0 ? 0 : -1;
}

/* Reads one frame into buf (MAX_FRAME + 1 bytes, NUL-terminated); returns its type, or -1 at the end or on a bad
   frame. */
static int read_frame(int sock, char *buf, uint32_t *len) {
  unsigned char head[5];
  if (read_all(sock, head, 5) != 0) return -1;
  *len = (uint32_t)head[1] << 24 | (uint32_t)head[2] << 16 | (uint32_t)head[3] << 8 | head[4];
  if (*len > MAX_FRAME) return -1;
  if (read_all(sock, buf, *len) != 0) return -1;
  buf[*len] = '\0';
  return head[0];
}

/* Reads one line of at most max - 1 bytes (without its newline) into line; -1 at the end or if it is longer. */
static int read_line(int sock, char *line, size_t max) {
  for (size_t n = 0; n + 1 < max; n++) {
    if (read_all(sock, line + n, 1) != 0) return -1;
    if (line[n] == '\n') {
      line[n] = '\0';
      return 0;
    }
  }
  return -1;
}

static void to_hex(const unsigned char *bytes, size_t n, char *hex) {
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    hex[2 * i] = digits[bytes[i] >> 4];
    hex[2 * i + 1] = digits[bytes[i] & 15];
  }
  hex[2 * n] = '\0';
}

/* hex(HMAC-SHA256(token, text)) into mac (65 bytes). */
static void mac_of(const char *token, const char *text, char *mac) {
  uint8_t digest[32];
  hmac_sha256((const uint8_t *)token, strlen(token), (const uint8_t *)text, strlen(text), digest);
  to_hex(digest, sizeof digest, mac);
}

static int same(const char *a, const char *b) {
  size_t n = strlen(a);
  if (n != strlen(b)) return 0;
  unsigned char diff = 0;
  for (size_t i = 0; i < n; i++) diff |= (unsigned char)(a[i] ^ b[i]);
  return diff == 0;
}

/* The handshake (see the top): returns only if the peer proved it is the qsub that wrote the token. */
static void handshake(int sock, const char *token, const char *host, const char *port) {
  unsigned char random_bytes[16];
  if (getrandom(random_bytes, sizeof random_bytes, 0) != (ssize_t)sizeof random_bytes) die("getrandom");
  char np[33], nq[65], mq[65], line[256], text[256], mac[65];
  to_hex(random_bytes, sizeof random_bytes, np);
  int n = snprintf(line, sizeof line, "sss-pty 2 %s\n", np);
  if (write_all(sock, line, (size_t)n) != 0) die("send the hello");
  if (read_line(sock, line, sizeof line) != 0 || sscanf(line, "qsub %64s %64s", nq, mq) != 2 || strlen(nq) != 32) {
    fprintf(stderr, "sss-pty: %s:%s did not answer as qsub -I does; no shell started\n", host, port);
    exit(1);
  }
  snprintf(text, sizeof text, "qsub %s %s", np, nq);
  mac_of(token, text, mac);
  if (!same(mac, mq)) {
    fprintf(stderr, "sss-pty: %s:%s is not the qsub that submitted this job (its proof is wrong); no shell started\n",
            host, port);
    exit(1);
  }
  snprintf(text, sizeof text, "sss-pty %s %s", nq, np);
  mac_of(token, text, mac);
  n = snprintf(line, sizeof line, "sss-pty %s\n", mac);
  if (write_all(sock, line, (size_t)n) != 0) die("send the proof");
}

static int connect_to(const char *host, const char *port) {
  struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *found, *ai;
  int rc = getaddrinfo(host, port, &hints, &found);
  if (rc != 0) {
    fprintf(stderr, "sss-pty: cannot resolve %s: %s\n", host, gai_strerror(rc));
    exit(1);
  }
  int sock = -1;
  for (ai = found; ai != NULL && sock < 0; ai = ai->ai_next) {
    sock = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (sock >= 0 && connect(sock, ai->ai_addr, ai->ai_addrlen) != 0) {
      close(sock);
      sock = -1;
    }
  }
  freeaddrinfo(found);
  if (sock < 0) {
    fprintf(stderr, "sss-pty: cannot reach qsub at %s:%s\n", host, port);
    exit(1);
  }
  /* A qsub whose host went away (a laptop closed, a network cut) sends no FIN: without keepalive the session would
   * sit until its walltime. Probes after a minute of silence, every 10 s, 6 unanswered: gone within two minutes,
   * and the shell is hung up as when qsub closes. */
  int on = 1, idle = KEEPALIVE_IDLE, interval = KEEPALIVE_INTERVAL, count = KEEPALIVE_COUNT;
  if (setsockopt(sock, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on) != 0
      || setsockopt(sock, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle) != 0
      || setsockopt(sock, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval) != 0
      || setsockopt(sock, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count) != 0) {
    fprintf(stderr, "sss-pty: cannot set keepalive on the connection to qsub: %s\n", strerror(errno));
  }
  return sock;
}

static void set_size(int master, const char *text) {
  unsigned rows, cols;
  if (sscanf(text, "%u %u", &rows, &cols) == 2 && rows > 0 && rows < 10000 && cols > 0 && cols < 10000) {
    struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
    ioctl(master, TIOCSWINSZ, &ws);
  }
}

/* In the child: a new session whose controlling terminal is the slave, then the user's login shell. */
static void start_shell(int slave) {
  struct passwd *pw = getpwuid(getuid());
  const char *shell = pw != NULL && pw->pw_shell != NULL && pw->pw_shell[0] == '/' ? pw->pw_shell : "/bin/sh";
  if (setsid() < 0) die("setsid");
  if (ioctl(slave, TIOCSCTTY, 0) != 0) die("make it the controlling terminal");
  dup2(slave, 0);
  dup2(slave, 1);
  dup2(slave, 2);
  if (slave > 2) close(slave);
  signal(SIGTERM, SIG_DFL);
  signal(SIGHUP, SIG_DFL);
  signal(SIGINT, SIG_DFL);
  signal(SIGPIPE, SIG_DFL);
  unsetenv("SSS_PTY_TOKEN");
  setenv("SHELL", shell, 1);
  setenv("PBS_ENVIRONMENT", "PBS_INTERACTIVE", 1); /* as PBS tells an interactive job's shell (a batch job: PBS_BATCH) */
  if (pw != NULL) { /* as login(1) does: the shell reads the user's profile from HOME */
    setenv("HOME", pw->pw_dir, 1);
    setenv("USER", pw->pw_name, 1);
    setenv("LOGNAME", pw->pw_name, 1);
  }
  const char *base = strrchr(shell, '/');
  char argv0[256];
  snprintf(argv0, sizeof argv0, "-%s", base + 1);
  execl(shell, argv0, (char *)NULL);
  fprintf(stderr, "sss-pty: cannot run %s: %s\n", shell, strerror(errno));
  _exit(127);
}

static int status_of(int wstatus) {
  return WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : WIFSIGNALED(wstatus) ? 128 + WTERMSIG(wstatus) : 1;
}

/* Sends what the master holds now, at most 64 reads' worth (a process left behind may keep writing). */
static void drain(int master, int sock, char *buf) {
  struct pollfd fd = {.fd = master, .events = POLLIN};
  for (int reads = 0; reads < 64 && poll(&fd, 1, 0) > 0 && (fd.revents & POLLIN); reads++) {
    ssize_t got = read(master, buf, MAX_FRAME);
    if (got <= 0 || send_frame(sock, 'd', buf, (uint32_t)got) != 0) return;
  }
}

static void hang_up(pid_t shell) {
  kill(-shell, SIGHUP);
  kill(-shell, SIGCONT);
}

/* Reaps the shell, killing its session if it has not gone within two seconds of being hung up. */
static int reap(pid_t shell, int hung_up) {
  int wstatus;
  for (int tries = 0;; tries++) {
    pid_t got = waitpid(shell, &wstatus, hung_up ? WNOHANG : 0);
    if (got == shell) return status_of(wstatus);
    if (got < 0 && errno != EINTR) return 1;
    if (ending && !hung_up) { /* the job ends while the shell, its terminal closed, still runs: hang it up too */
      hang_up(shell);
      hung_up = 1;
    }
    if (hung_up) {
      if (tries == 40) kill(-shell, SIGKILL);
      struct timespec pause = {0, 50 * 1000 * 1000};
      nanosleep(&pause, NULL);
    }
  }
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: sss-pty HOST PORT (with SSS_PTY_TOKEN set): the job end of qsub -I\n");
    return 2;
  }
  const char *token = getenv("SSS_PTY_TOKEN");
  if (token == NULL || strlen(token) == 0 || strlen(token) > 128) {
    fprintf(stderr, "sss-pty: SSS_PTY_TOKEN is not set: qsub -I writes it into the job's script\n");
    return 2;
  }
  struct sigaction sa = {.sa_handler = on_end};
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);
  int sock = connect_to(argv[1], argv[2]);
  handshake(sock, token, argv[1], argv[2]);

  int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) die("open a pseudo-terminal");
  char *slave_name = ptsname(master);
  if (slave_name == NULL) die("ptsname");
  static char buf[MAX_FRAME + 1];
  uint32_t len;
  int type = read_frame(sock, buf, &len);
  if (type != 'w') {
    fprintf(stderr, "sss-pty: qsub sent no window size; it went away or is not qsub -I\n");
    return 1;
  }
  set_size(master, buf);

  /* Opened here, before the fork, so that the master never sees the slave closed before the shell has it. */
  int slave = open(slave_name, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0) die("open the terminal");
  pid_t shell = fork();
  if (shell < 0) die("fork");
  if (shell == 0) start_shell(slave);
  close(slave);

  int hung_up = 0, status = -1;
  /* Input waits here while the terminal does not take it, and the master is never written blocking: a shell that
     echoes what it reads fills the output side while this waited to write input, and neither moved again (a
     paste or a piped file of 16 KiB and more). Output is read all along; qsub's input is read while there is room. */
  static char pending[4 * MAX_FRAME];
  size_t pending_len = 0;
  if (fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK) != 0) die("make the terminal non-blocking");
  struct pollfd fds[2] = {{.fd = master, .events = POLLIN}, {.fd = sock, .events = POLLIN}};
  while (!hung_up) {
    fds[0].events = (short)(POLLIN | (pending_len > 0 ? POLLOUT : 0));
    fds[1].events = (short)(pending_len + MAX_FRAME <= sizeof pending ? POLLIN : 0);
    if (ending) {
      hang_up(shell);
      hung_up = 1;
      break;
    }
    int wstatus;
    if (waitpid(shell, &wstatus, WNOHANG) == shell) {
      /* The shell is gone though something it left still holds the terminal: send what is there and finish. */
      status = status_of(wstatus);
      drain(master, sock, buf);
      break;
    }
    int n = poll(fds, 2, 250);
    if (n < 0) {
      if (errno == EINTR) continue;
      die("poll");
    }
    if ((fds[0].revents & POLLOUT) && pending_len > 0) {
      ssize_t put = write(master, pending, pending_len);
      if (put > 0) {
        memmove(pending, pending + put, pending_len - (size_t)put);
        pending_len -= (size_t)put;
      } else if (put < 0 && errno != EAGAIN && errno != EINTR) {
        break;
      }
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t got = read(master, buf, MAX_FRAME);
      if (got > 0) {
        if (send_frame(sock, 'd', buf, (uint32_t)got) != 0) {
          hang_up(shell);
          hung_up = 1;
        }
      } else if (got < 0 && (errno == EINTR || errno == EAGAIN)) {
        continue;
      } else {
        break; /* EIO: every process of the session closed the terminal; the shell has ended */
      }
    }
    if ((fds[1].revents & (POLLHUP | POLLERR)) && !(fds[1].events & POLLIN)) {
      hang_up(shell); /* qsub went away while its input waited for the terminal */
      hung_up = 1;
    } else if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
      type = read_frame(sock, buf, &len);
      if (type == 'd') {
        /* room for it: qsub's input is read only while a whole frame fits */
        memcpy(pending + pending_len, buf, len);
        pending_len += len;
      } else if (type == 'w') {
        set_size(master, buf);
      } else {
        hang_up(shell); /* qsub went away, or spoke out of turn: the terminal is gone */
        hung_up = 1;
      }
    }
  }
  if (status < 0) status = reap(shell, hung_up);
  /* The status, in one write that never blocks (the job may be ending because qsub stopped reading): qsub, if it
     reads, gets it; if not, qsub asks the queue manager how the job ended. */
  char frame[5 + 16];
  int text_len = snprintf(frame + 5, sizeof frame - 5, "%d", status);
  frame[0] = 'x';
  frame[1] = frame[2] = frame[3] = 0;
  frame[4] = (char)text_len;
  fcntl(sock, F_SETFL, fcntl(sock, F_GETFL) | O_NONBLOCK);
  if (write(sock, frame, (size_t)(5 + text_len)) < 0) {
    /* qsub is gone or not reading: it learns the end from the queue manager */
  }
  shutdown(sock, SHUT_WR);
  close(sock);
  return status;
}
