/*
 * cairn-spawn: the process launcher of the Cairn server.
 *
 * The server starts one cairn-spawn per process supervisor, from a thread that lives as long as
 * the supervisor, and asks it to start steps. For each step it vforks (cheap and safe from this
 * small single-threaded process, unlike from the JVM), and the child puts itself
 * in a new session, arms the parent-death signal, caps the size of the files it may write, points
 * stdin at /dev/null and stdout and stderr at the output file, changes directory and execs the
 * step. One exec per step, where the wrapper chain (setpriv, setsid, prlimit) costs three more.
 *
 * It then reaps the step's leader and reports its raw wait status, so an exit code and a death by
 * signal are never confused.
 *
 * Protocol, native byte order (both ends run on the same machine):
 *   request on stdin:  u32 length of the rest, u64 id, u64 file size limit (0 = none), u32 argc,
 *                      u32 envc, then NUL-terminated strings: program (looked up in the PATH of
 *                      env, as execvp does, unless it holds a slash), working directory, output
 *                      file, argv[argc], env[envc].
 *   reply on stdout:   32-byte records {u32 kind, i32 value, u64 id, i64 pid, u64 extra}:
 *                      STARTED (value 0, extra = start time in clock ticks, from /proc),
 *                      FAILED (value = errno, extra = the stage that failed, pid 0),
 *                      EXITED (value = wait status, id 0).
 *   A STARTED record always precedes the EXITED record of the same pid.
 *
 * The parent-death signal chain: this helper gets SIGKILL when the server thread that started it
 * ends, and each step gets SIGKILL when this helper ends. Whatever a step leaves behind in its
 * group or under its marker is the server's to kill; see ProcessSupervisor.
 *
 * Exit status: 0 when stdin closes, 2 on a usage error, 70 on an internal error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

enum { KIND_STARTED = 1, KIND_FAILED = 2, KIND_EXITED = 3 };

/* Where a start failed; the server turns these into messages. */
enum {
  STAGE_FORK = 2,
  STAGE_SETSID = 3,
  STAGE_PDEATHSIG = 4,
  STAGE_RLIMIT = 5,
  STAGE_STDIN = 6,
  STAGE_OUTPUT = 7,
  STAGE_CHDIR = 8,
  STAGE_EXEC = 9,
  STAGE_REQUEST = 10
};

#define MAX_FRAME (256u * 1024u * 1024u)

struct reply {
  uint32_t kind;
  int32_t value;
  uint64_t id;
  int64_t pid;
  uint64_t extra;
};

struct child_error {
  int32_t stage;
  int32_t error;
};

static pid_t helper_pid;

static void die(const char *what) {
  fprintf(stderr, "cairn-spawn: %s: %s\n", what, strerror(errno));
  exit(70);
}

static void write_all(int fd, const void *data, size_t length) {
  const char *bytes = data;
  while (length > 0) {
    ssize_t written = write(fd, bytes, length);
    if (written < 0) {
      if (errno == EINTR) {
        continue;
      }
      /* The server is gone: nothing is left to report to, and the parent-death signal follows. */
      exit(errno == EPIPE ? 0 : 70);
    }
    bytes += written;
    length -= (size_t)written;
  }
}

static void reply(uint32_t kind, int32_t value, uint64_t id, int64_t pid, uint64_t extra) {
  struct reply record = {kind, value, id, pid, extra};
  write_all(STDOUT_FILENO, &record, sizeof record);
}

/* Field 22 of /proc/PID/stat: the start time that tells this process from a later one with the
 * same pid. The command name (field 2) may hold spaces and parentheses, so parsing starts after
 * its last ')'. Returns 0 when it cannot be read. */
static uint64_t start_ticks(pid_t pid) {
  char path[64];
  char stat[1024];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return 0;
  }
  ssize_t length = read(fd, stat, sizeof stat - 1);
  close(fd);
  if (length <= 0) {
    return 0;
  }
  stat[length] = '\0';
  char *cursor = strrchr(stat, ')');
  if (cursor == NULL) {
    return 0;
  }
  /* After ")" come field 3 (state) onwards, each after one space. */
  for (int field = 3; field <= 22; field++) {
    cursor = strchr(cursor + 1, ' ');
    if (cursor == NULL) {
      return 0;
    }
  }
  return strtoull(cursor + 1, NULL, 10);
}

/* In the child, between vfork and exec: record the failed stage where the parent, which shares
 * this memory until the child execs or exits, will read it, and leave. */
static void child_fail(volatile struct child_error *failure, int stage) {
  failure->error = errno;
  failure->stage = stage;
  _exit(127);
}

static void move_fd(volatile struct child_error *failure, int from, int to, int stage) {
  if (from != to) {
    if (dup2(from, to) < 0) {
      child_fail(failure, stage);
    }
    close(from);
  }
}

struct request {
  uint64_t id;
  uint64_t fsize_limit;
  const char *program;
  const char *working_dir;
  const char *output;
  char **argv;
  char **envp;
};

static void exec_child(const struct request *request, volatile struct child_error *failure) {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  signal(SIGPIPE, SIG_DFL);
  if (setsid() < 0) {
    child_fail(failure, STAGE_SETSID);
  }
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) {
    child_fail(failure, STAGE_PDEATHSIG);
  }
  /* The helper may have died between the fork and the prctl; then no signal would ever come. */
  if (getppid() != helper_pid) {
    _exit(127);
  }
  if (request->fsize_limit > 0) {
    struct rlimit limit = {request->fsize_limit, request->fsize_limit};
    if (setrlimit(RLIMIT_FSIZE, &limit) < 0) {
      child_fail(failure, STAGE_RLIMIT);
    }
  }
  int input = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (input < 0) {
    child_fail(failure, STAGE_STDIN);
  }
  int output = open(request->output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (output < 0) {
    child_fail(failure, STAGE_OUTPUT);
  }
  /* Both descriptors are above 2 unless the helper's own 0 or 1 were closed, which the server
   * never does; dup2 clears close-on-exec on the copies. */
  move_fd(failure, input, STDIN_FILENO, STAGE_STDIN);
  move_fd(failure, output, STDOUT_FILENO, STAGE_OUTPUT);
  if (dup2(STDOUT_FILENO, STDERR_FILENO) < 0) {
    child_fail(failure, STAGE_OUTPUT);
  }
  if (chdir(request->working_dir) < 0) {
    child_fail(failure, STAGE_CHDIR);
  }
  /* execvpe searches the PATH of environ, which must be the step's own, not the server's; it
   * falls back to /bin:/usr/bin without one, and runs a script without a #! line with /bin/sh. */
  environ = request->envp;
  execvpe(request->program, request->argv, request->envp);
  child_fail(failure, STAGE_EXEC);
}

static void spawn(const struct request *request) {
  volatile struct child_error failure = {0, 0};
  char **server_environ = environ;
  /* vfork: the child borrows this process's memory until it execs, so there are no page tables
   * to copy and the parent resumes exactly when the step runs (or has failed to). The child only
   * makes system calls and writes to failure before it execs or exits. */
  pid_t pid = vfork();
  if (pid == 0) {
    exec_child(request, &failure);
  }
  environ = server_environ;
  if (pid < 0) {
    reply(KIND_FAILED, errno, request->id, 0, STAGE_FORK);
    return;
  }
  if (failure.stage != 0) {
    /* The child never became the step: reap it here, so no EXITED record is sent for it. */
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
    }
    reply(KIND_FAILED, failure.error, request->id, 0, (uint64_t)failure.stage);
    return;
  }
  /* Not reaped before this is read, so the start time is the step's own. */
  reply(KIND_STARTED, 0, request->id, pid, start_ticks(pid));
}

static const char *next_string(const char **cursor, const char *end) {
  const char *start = *cursor;
  const char *nul = memchr(start, '\0', (size_t)(end - start));
  if (nul == NULL) {
    return NULL;
  }
  *cursor = nul + 1;
  return start;
}

/* Parses one frame (without its length) and starts it; a malformed frame fails that request. */
static void handle_frame(const char *frame, uint32_t length) {
  struct request request = {0};
  uint32_t argc;
  uint32_t envc;
  if (length < 24) {
    reply(KIND_FAILED, EINVAL, 0, 0, STAGE_REQUEST);
    return;
  }
  memcpy(&request.id, frame, 8);
  memcpy(&request.fsize_limit, frame + 8, 8);
  memcpy(&argc, frame + 16, 4);
  memcpy(&envc, frame + 20, 4);
  const char *cursor = frame + 24;
  const char *end = frame + length;
  if (argc == 0 || argc > length || envc > length) {
    reply(KIND_FAILED, EINVAL, request.id, 0, STAGE_REQUEST);
    return;
  }
  request.program = next_string(&cursor, end);
  request.working_dir = request.program ? next_string(&cursor, end) : NULL;
  request.output = request.working_dir ? next_string(&cursor, end) : NULL;
  char **pointers = calloc((size_t)argc + envc + 2, sizeof(char *));
  if (pointers == NULL) {
    die("calloc");
  }
  int valid = request.output != NULL;
  for (uint32_t i = 0; valid && i < argc + envc; i++) {
    const char *string = next_string(&cursor, end);
    valid = string != NULL;
    pointers[i < argc ? i : i + 1] = (char *)string;
  }
  if (!valid) {
    free(pointers);
    reply(KIND_FAILED, EINVAL, request.id, 0, STAGE_REQUEST);
    return;
  }
  request.argv = pointers;
  request.envp = pointers + argc + 1;
  spawn(&request);
  free(pointers);
}

/* Reports every leader that has exited. */
static void reap(void) {
  for (;;) {
    int status;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid > 0) {
      reply(KIND_EXITED, status, 0, pid, 0);
      continue;
    }
    if (pid < 0 && errno == EINTR) {
      continue;
    }
    return;
  }
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: cairn-spawn PARENT_PID (started by the Cairn server)\n");
    return 2;
  }
  helper_pid = getpid();
  /* Tie this helper to the server thread that started it, and make sure it is still there. */
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) {
    die("prctl");
  }
  if (getppid() != (pid_t)strtol(argv[1], NULL, 10)) {
    return 0;
  }
  for (int sig = 1; sig < NSIG; sig++) {
    if (sig != SIGKILL && sig != SIGSTOP) {
      signal(sig, SIG_DFL);
    }
  }
  signal(SIGPIPE, SIG_IGN);
  sigset_t child;
  sigemptyset(&child);
  sigaddset(&child, SIGCHLD);
  if (sigprocmask(SIG_SETMASK, &child, NULL) < 0) {
    die("sigprocmask");
  }
  int children = signalfd(-1, &child, SFD_CLOEXEC | SFD_NONBLOCK);
  if (children < 0) {
    die("signalfd");
  }

  size_t capacity = 64 * 1024;
  size_t filled = 0;
  char *buffer = malloc(capacity);
  if (buffer == NULL) {
    die("malloc");
  }
  struct pollfd fds[2] = {{STDIN_FILENO, POLLIN, 0}, {children, POLLIN, 0}};
  for (;;) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) {
        continue;
      }
      die("poll");
    }
    if (fds[1].revents & POLLIN) {
      struct signalfd_siginfo info;
      while (read(children, &info, sizeof info) > 0) {
      }
      reap();
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      if (filled == capacity) {
        capacity *= 2;
        buffer = realloc(buffer, capacity);
        if (buffer == NULL) {
          die("realloc");
        }
      }
      ssize_t got = read(STDIN_FILENO, buffer + filled, capacity - filled);
      if (got == 0) {
        return 0;
      }
      if (got < 0) {
        if (errno == EINTR || errno == EAGAIN) {
          continue;
        }
        die("read");
      }
      filled += (size_t)got;
      size_t offset = 0;
      while (filled - offset >= 4) {
        uint32_t length;
        memcpy(&length, buffer + offset, 4);
        if (length > MAX_FRAME) {
          fprintf(stderr, "cairn-spawn: request of %u bytes exceeds the limit\n", length);
          return 70;
        }
        if (filled - offset - 4 < length) {
          if (offset == 0 && 4 + (size_t)length > capacity) {
            capacity = 4 + (size_t)length;
            buffer = realloc(buffer, capacity);
            if (buffer == NULL) {
              die("realloc");
            }
          }
          break;
        }
        handle_frame(buffer + offset + 4, length);
        offset += 4 + length;
      }
      memmove(buffer, buffer + offset, filled - offset);
      filled -= offset;
    }
  }
}
