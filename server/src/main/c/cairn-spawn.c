/*
 * cairn-spawn: the process launcher of the Cairn server.
 *
 * The server starts one cairn-spawn per process supervisor, from a thread that lives as long as
 * the supervisor, and asks it to start steps. For each step it forks an attempt shim (see
 * attempt-shim.c): a copy of this small process that becomes a child subreaper, so that every
 * process the step starts stays within its reach even after setsid and without the marker. The
 * shim vforks (cheap and safe from a small single-threaded process, unlike from the JVM), and the
 * child puts itself in a new session, arms the parent-death signal, caps the size of the files it
 * may write, takes stdin from /dev/null and stdout and stderr from a pipe, changes directory and
 * execs the step. One exec per step, where the wrapper chain (setpriv, setsid, prlimit) costs three
 * more; the shim costs one fork.
 *
 * The helper drains each step's pipe into its output file with splice(2), and creates that file
 * only when the first byte arrives: a new inode costs far more than the exec of a small step (0.4
 * ms of kernel time on an ext4 measured while building this), and a silent step needs none; the
 * same holds for the file's directory, made then too. An existing file of the same name is
 * truncated when the step starts. The helper writes at most the
 * output limit into the file; when a step writes more, the helper has the step's shim kill the
 * attempt (the step's group with SIGKILL, then everything else) and discards the rest.
 *
 * The shim reports the leader's wait status once nothing of the attempt is left (it kills what the
 * leader left behind: SIGTERM, SIGKILL after the grace period). The helper then moves whatever the
 * attempt wrote into the file, and only then reports the leader's raw wait status (without waiting
 * for the shim's own exit, which it reaps later; a shim that was killed first is reported when it
 * is reaped), so an exit code and a death by signal are never confused, a step's output is in its
 * file when its end is reported, and no process of the attempt outlives that report. A process
 * outside the attempt that holds the pipe (it got it passed on) does not hold the report back; its
 * output follows until it closes the pipe.
 *
 * Protocol, native byte order (both ends run on the same machine):
 *   request on stdin:  u32 length of the rest, u64 id, u64 file size limit (0 = none), u32 argc,
 *                      u32 envc, u32 grace in milliseconds (between SIGTERM and SIGKILL for what a
 *                      step leaves behind), then NUL-terminated strings: program (looked up in the
 *                      PATH of env, as execvp does, unless it holds a slash), working directory,
 *                      output file, argv[argc], env[envc].
 *   reply on stdout:   32-byte records {u32 kind, i32 value, u64 id, i64 pid, u64 extra}:
 *                      STARTED (value = the pid of the attempt's shim, pid = the step's leader,
 *                      extra = its start time in clock ticks, from /proc),
 *                      FAILED (value = errno, extra = the stage that failed, pid 0),
 *                      EXITED (value = the leader's wait status, pid = the leader, id 0), sent once
 *                      no process of the attempt is left.
 *   A STARTED record always precedes the EXITED record of the same pid.
 *
 * The parent-death signal chain: this helper gets SIGKILL when the server thread that started it
 * ends; each shim gets SIGTERM when this helper ends, and kills its whole attempt with SIGKILL;
 * each step's leader gets SIGKILL when its shim ends. The helper is a subreaper too, for the
 * descendants of a shim that was itself killed. The marker sweep of the server remains the last
 * resort; see ProcessSupervisor.
 *
 * With --run-as UID:GID (the server runs as root and cairn.run-as-user is set), each step drops
 * its supplementary groups and switches to that group and user before it enters its directory;
 * a switch that fails is reported as stage USER. This helper and the shims stay root.
 *
 * Exit status: 0 when stdin closes, 2 on a usage error, 70 on an internal error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
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
  STAGE_REQUEST = 10,
  STAGE_SUBREAPER = 11,
  STAGE_USER = 12
};

#define MAX_FRAME (256u * 1024u * 1024u)
/* The fixed part of a request, after its length: id, size limit, argc, envc, grace. */
#define HEADER_BYTES 28u
/* The most one wake-up moves from one step's pipe, so a chatty step does not starve the others. */
#define PUMP_SLICE (256u * 1024u)
/* Marks the epoll data of a shim's control pipe; the rest is the index of its stream. */
#define SOURCE_CONTROL (1ull << 62)

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
/* The user every step runs as (--run-as UID:GID); run_as_user is 0 when the steps keep ours. */
static int run_as_user;
static uid_t run_as_uid;
static gid_t run_as_gid;
/* The process a step's parent-death signal is tied to: its attempt shim. */
static pid_t step_parent_pid;

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

/* Field FIELD (3 or more) of /proc/PID/stat, read into BUFFER, or NULL when it cannot be read.
 * The command name (field 2) may hold spaces and parentheses, so parsing starts after its last
 * ')'; each later field follows one space. */
static const char *stat_field(pid_t pid, int field, char *buffer, size_t size) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return NULL;
  }
  ssize_t length = read(fd, buffer, size - 1);
  close(fd);
  if (length <= 0) {
    return NULL;
  }
  buffer[length] = '\0';
  char *cursor = strrchr(buffer, ')');
  if (cursor == NULL) {
    return NULL;
  }
  for (int at = 3; at <= field; at++) {
    cursor = strchr(cursor + 1, ' ');
    if (cursor == NULL) {
      return NULL;
    }
  }
  return cursor + 1;
}

/* Field 22 of /proc/PID/stat: the start time that tells this process from a later one with the
 * same pid. Returns 0 when it cannot be read. */
static uint64_t start_ticks(pid_t pid) {
  char stat[1024];
  const char *field = stat_field(pid, 22, stat, sizeof stat);
  return field == NULL ? 0 : strtoull(field, NULL, 10);
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
  uint32_t grace_millis;
  const char *program;
  const char *working_dir;
  const char *output;
  char **argv;
  char **envp;
};

static void exec_child(
    const struct request *request, int output_pipe, volatile struct child_error *failure) {
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
  /* The shim may have died between the fork and the prctl; then no signal would ever come. */
  if (getppid() != step_parent_pid) {
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
  /* Both descriptors are above 2 unless the helper's own 0 or 1 were closed, which the server
   * never does; dup2 clears close-on-exec on the copies. */
  move_fd(failure, input, STDIN_FILENO, STAGE_STDIN);
  move_fd(failure, output_pipe, STDOUT_FILENO, STAGE_OUTPUT);
  if (dup2(STDOUT_FILENO, STDERR_FILENO) < 0) {
    child_fail(failure, STAGE_OUTPUT);
  }
  /* Before chdir, so the working directory is entered with the user's rights, not root's. The shim
   * stays root: it must signal and reap whatever the step starts. */
  if (run_as_user &&
      (setgroups(0, NULL) < 0 || setgid(run_as_gid) < 0 || setuid(run_as_uid) < 0)) {
    child_fail(failure, STAGE_USER);
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

/* The step's output file must be creatable when its first byte comes; a file already there is
 * truncated now (and kept open), so a silent step never shows an older attempt's output. Returns
 * the open file, -1 when it is to be created later, or -2 with errno set when it cannot be. */
static int prepare_output(const char *path) {
  int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOCTTY);
  if (fd >= 0 || errno != ENOENT) {
    return fd >= 0 ? fd : -2;
  }
  /* ENOENT, not ENOTDIR: every part of the path that exists is a directory. The nearest one must
   * let the helper create the rest. */
  char *ancestor = strdup(path);
  if (ancestor == NULL) {
    die("strdup");
  }
  int result = -2;
  for (;;) {
    char *slash = strrchr(ancestor, '/');
    if (slash == NULL) {
      result = access(".", W_OK | X_OK) == 0 ? -1 : -2;
      break;
    }
    if (slash == ancestor) {
      slash[1] = '\0';
    } else {
      slash[0] = '\0';
    }
    if (access(ancestor, W_OK | X_OK) == 0) {
      result = -1;
      break;
    }
    if (errno != ENOENT || slash == ancestor) {
      break;
    }
  }
  int error = errno;
  free(ancestor);
  errno = error;
  return result;
}

/* mkdir -p of the directories above `path`, as the server would make them (0777 less the umask). */
static void make_parents(const char *path) {
  char *copy = strdup(path);
  if (copy == NULL) {
    die("strdup");
  }
  for (char *slash = strchr(copy + 1, '/'); slash != NULL; slash = strchr(slash + 1, '/')) {
    *slash = '\0';
    mkdir(copy, 0777);
    *slash = '/';
  }
  free(copy);
}

static int create_output(const char *path) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0666);
  if (fd < 0 && errno == ENOENT) {
    make_parents(path);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0666);
  }
  return fd;
}

/* One step's output: the read end of its pipe and the file it goes to. */
struct stream {
  int in_use;
  pid_t leader;     /* 0 once the attempt's end has been reported */
  pid_t shim;       /* the attempt's shim; 0 once reaped */
  int control_fd;   /* the shim's control pipe; -1 once its last record is read */
  int pipe_fd;      /* -1 once the pipe is closed */
  int file_fd;      /* -1 until the first byte arrives */
  char *path;
  uint64_t bytes;   /* written into the file */
  uint64_t limit;   /* 0 = none */
  int over_limit;   /* the shim was told to kill the attempt for its output */
};

static struct stream *streams;
static size_t stream_count;
static int poller;

static size_t new_stream(void) {
  for (size_t i = 0; i < stream_count; i++) {
    if (!streams[i].in_use) {
      return i;
    }
  }
  size_t grown = stream_count == 0 ? 64 : stream_count * 2;
  struct stream *more = realloc(streams, grown * sizeof *streams);
  if (more == NULL) {
    die("realloc");
  }
  memset(more + stream_count, 0, (grown - stream_count) * sizeof *more);
  streams = more;
  size_t index = stream_count;
  stream_count = grown;
  return index;
}

static void release_if_done(struct stream *stream) {
  if (stream->leader == 0 && stream->shim == 0 && stream->pipe_fd < 0) {
    if (stream->file_fd >= 0) {
      close(stream->file_fd);
    }
    free(stream->path);
    memset(stream, 0, sizeof *stream);
    stream->pipe_fd = -1;
    stream->file_fd = -1;
    stream->control_fd = -1;
  }
}

static void close_pipe(struct stream *stream) {
  if (stream->pipe_fd >= 0) {
    epoll_ctl(poller, EPOLL_CTL_DEL, stream->pipe_fd, NULL);
    close(stream->pipe_fd);
    stream->pipe_fd = -1;
  }
}

/* The step can no longer write here: its writes now fail with EPIPE (or SIGPIPE end it). */
static void abandon_output(struct stream *stream, const char *why) {
  fprintf(stderr, "cairn-spawn: output of pid %d to %s: %s: %s\n", (int)stream->leader,
          stream->path, why, strerror(errno));
  close_pipe(stream);
}

/* Moves what the pipe holds into the file, at most `budget` bytes: always a bound, since a writer
 * that never stops would otherwise keep the helper here for ever. Closes the pipe once it is empty
 * and `hung_up` (every writer gone), or when the step has written more than its limit. */
static void pump(struct stream *stream, uint64_t budget, int hung_up) {
  uint64_t moved = 0;
  while (stream->pipe_fd >= 0 && moved < budget) {
    int available = 0;
    if (ioctl(stream->pipe_fd, FIONREAD, &available) < 0) {
      abandon_output(stream, "FIONREAD");
      return;
    }
    if (available == 0) {
      if (hung_up) {
        /* Every writer has closed the pipe and it is empty: this step's output is complete. */
        close_pipe(stream);
      }
      return;
    }
    uint64_t room = (uint64_t)available;
    if (room > budget - moved) {
      room = budget - moved;
    }
    if (stream->limit > 0 && stream->bytes + room > stream->limit) {
      room = stream->limit - stream->bytes;
      if (room == 0) {
        /* Past the limit: the step ends here, as RLIMIT_FSIZE would end a step writing a file.
         * Its shim, unreaped and so certainly the attempt's, kills the step's group with SIGKILL
         * and then everything else of the attempt. Until the attempt's end is reported the pipe
         * stays open and what comes is discarded: closed now, it could end a writer with SIGPIPE
         * before the shim's SIGKILL lands, and the step would seem to have failed on its own. */
        if (stream->leader == 0 || stream->shim == 0) {
          close_pipe(stream);
          return;
        }
        if (!stream->over_limit) {
          stream->over_limit = 1;
          kill(stream->shim, SIGTERM);
        }
        static char discarded[64 * 1024];
        uint64_t chunk = budget - moved < sizeof discarded ? budget - moved : sizeof discarded;
        ssize_t got = read(stream->pipe_fd, discarded, (size_t)chunk);
        if (got < 0 && errno == EINTR) {
          continue;
        }
        if (got <= 0) {
          return;
        }
        moved += (uint64_t)got;
        continue;
      }
    }
    if (stream->file_fd < 0) {
      stream->file_fd = create_output(stream->path);
      if (stream->file_fd < 0) {
        abandon_output(stream, "cannot create the output file");
        return;
      }
    }
    ssize_t spliced = splice(stream->pipe_fd, NULL, stream->file_fd, NULL, (size_t)room,
                             SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
    if (spliced < 0) {
      if (errno == EINTR || errno == EAGAIN) {
        continue;
      }
      abandon_output(stream, "cannot write the output file");
      return;
    }
    if (spliced == 0) {
      /* Nothing moved although the pipe said it held data: try again at the next wake-up rather
       * than spin here, where every other step would wait. */
      return;
    }
    stream->bytes += (uint64_t)spliced;
    moved += (uint64_t)spliced;
  }
}

#include "attempt-shim.c"

static void spawn(const struct request *request) {
  int file_fd = prepare_output(request->output);
  if (file_fd == -2) {
    reply(KIND_FAILED, errno, request->id, 0, STAGE_OUTPUT);
    return;
  }
  int pipe_fds[2];
  int control_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) < 0) {
    int error = errno;
    if (file_fd >= 0) {
      close(file_fd);
    }
    reply(KIND_FAILED, error, request->id, 0, STAGE_OUTPUT);
    return;
  }
  if (pipe2(control_fds, O_CLOEXEC) < 0) {
    int error = errno;
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    if (file_fd >= 0) {
      close(file_fd);
    }
    reply(KIND_FAILED, error, request->id, 0, STAGE_FORK);
    return;
  }
  /* fork, not vfork: the shim lives as long as the attempt (see attempt-shim.c). This process is
   * small, so the copy costs little; the shim vforks the step itself. */
  pid_t shim = fork();
  if (shim == 0) {
    run_shim(request, pipe_fds[1], control_fds[1]);
  }
  int fork_error = errno;
  close(pipe_fds[1]);
  close(control_fds[1]);
  struct shim_report start = {STAGE_FORK, fork_error, 0, 0};
  if (shim > 0 && !read_shim_report(control_fds[0], &start)) {
    /* The shim died before it could say: it was killed, or the helper is going down. */
    start.stage = STAGE_FORK;
    start.value = ECHILD;
  }
  if (start.stage != 0) {
    close(pipe_fds[0]);
    close(control_fds[0]);
    if (file_fd >= 0) {
      close(file_fd);
    }
    if (shim > 0) {
      /* The shim never became an attempt: reap it here, so no EXITED record is sent for it. */
      while (waitpid(shim, NULL, 0) < 0 && errno == EINTR) {
      }
    }
    reply(KIND_FAILED, start.value, request->id, 0, (uint64_t)start.stage);
    return;
  }
  size_t index = new_stream();
  struct stream *stream = &streams[index];
  stream->in_use = 1;
  stream->leader = (pid_t)start.pid;
  stream->shim = shim;
  stream->control_fd = control_fds[0];
  stream->pipe_fd = pipe_fds[0];
  stream->file_fd = file_fd;
  stream->path = strdup(request->output);
  stream->limit = request->fsize_limit;
  if (stream->path == NULL) {
    die("strdup");
  }
  if (fcntl(stream->pipe_fd, F_SETFL, O_NONBLOCK) < 0) {
    die("fcntl");
  }
  struct epoll_event event = {.events = EPOLLIN, .data.u64 = index};
  struct epoll_event control = {.events = EPOLLIN, .data.u64 = index | SOURCE_CONTROL};
  if (epoll_ctl(poller, EPOLL_CTL_ADD, stream->pipe_fd, &event) < 0 ||
      epoll_ctl(poller, EPOLL_CTL_ADD, stream->control_fd, &control) < 0) {
    die("epoll_ctl");
  }
  reply(KIND_STARTED, (int32_t)shim, request->id, start.pid, start.ticks);
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
  if (length < HEADER_BYTES) {
    reply(KIND_FAILED, EINVAL, 0, 0, STAGE_REQUEST);
    return;
  }
  memcpy(&request.id, frame, 8);
  memcpy(&request.fsize_limit, frame + 8, 8);
  memcpy(&argc, frame + 16, 4);
  memcpy(&envc, frame + 20, 4);
  memcpy(&request.grace_millis, frame + 24, 4);
  const char *cursor = frame + HEADER_BYTES;
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

static struct stream *stream_of_shim(pid_t pid) {
  for (size_t i = 0; i < stream_count; i++) {
    if (streams[i].in_use && streams[i].shim == pid) {
      return &streams[i];
    }
  }
  return NULL;
}

/* A shim that was killed (SIGKILL, so it could not clean up) hands its descendants to this helper,
 * a subreaper too: every child of the helper that is not a live shim is such an orphan, and gets
 * SIGKILL (it is unreaped, so its pid is still its own). Its own children come here in turn when
 * it dies, so this repeats until none is left. */
static void kill_orphans(void) {
  for (;;) {
    struct tree children = {NULL, 0, 0};
    add_children(&children, helper_pid);
    int found = 0;
    for (size_t i = 0; i < children.count; i++) {
      pid_t pid = children.entries[i].pid;
      /* One that cannot be signalled (it changed to a user this helper cannot signal) is not
       * waited for: this helper must never block on it. It is reaped whenever it ends. */
      if (stream_of_shim(pid) == NULL && kill(pid, SIGKILL) == 0) {
        found = 1;
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
        }
      }
    }
    free(children.entries);
    if (!found) {
      return;
    }
  }
}

static void close_control(struct stream *stream) {
  if (stream->control_fd >= 0) {
    /* Removed first: a shim being forked may hold a copy, which would keep it registered. */
    epoll_ctl(poller, EPOLL_CTL_DEL, stream->control_fd, NULL);
    close(stream->control_fd);
    stream->control_fd = -1;
  }
}

/* Reports the end of an attempt, once what it wrote is in its file. */
static void end_attempt(struct stream *stream, int leader_status) {
  pid_t leader = stream->leader;
  stream->leader = 0;
  close_control(stream);
  /* Every process of the attempt has ended, so everything they wrote is in the pipe: move that
   * much. A writer outside the attempt (one that got the pipe passed on) may still write; its
   * output follows until it closes the pipe, and never holds this report back. */
  int available = 0;
  if (stream->pipe_fd >= 0 && ioctl(stream->pipe_fd, FIONREAD, &available) == 0 &&
      available > 0) {
    pump(stream, (uint64_t)available, 0);
  }
  reply(KIND_EXITED, leader_status, 0, leader, 0);
}

/* The shim's last record: nothing of its attempt is left. It is reported at once, rather than
 * when the shim has been reaped, which would add the teardown of its copy of this process. */
static void read_control(struct stream *stream) {
  struct shim_report end;
  if (stream->leader != 0 && stream->control_fd >= 0 &&
      read_shim_report(stream->control_fd, &end)) {
    end_attempt(stream, end.value);
  } else {
    /* The shim ended without its record: reap() reports it. */
    close_control(stream);
  }
}

/* Reaps every shim that has exited; one that was killed before it could report is reported here. */
static void reap(void) {
  for (;;) {
    int status;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid > 0) {
      struct stream *stream = stream_of_shim(pid);
      if (stream == NULL) {
        /* An orphan of a killed shim, already accounted for by kill_orphans. */
        continue;
      }
      /* Reaped: its pid may be reused from now on, so it is never signalled again. */
      stream->shim = 0;
      struct shim_report end;
      if (stream->leader != 0) {
        if (stream->control_fd >= 0 && read_shim_report(stream->control_fd, &end)) {
          end_attempt(stream, end.value);
        } else {
          /* Killed before it could clean up: its leader died of its parent-death signal, and
           * the rest of the attempt came to this helper. */
          kill_orphans();
          end_attempt(stream, SIGKILL);
        }
      }
      release_if_done(stream);
      continue;
    }
    if (pid < 0 && errno == EINTR) {
      continue;
    }
    return;
  }
}

/* Reads what the server sent and starts every complete request in it; returns 0 at its end. */
static int read_requests(char **buffer, size_t *capacity, size_t *filled) {
  if (*filled == *capacity) {
    *capacity *= 2;
    *buffer = realloc(*buffer, *capacity);
    if (*buffer == NULL) {
      die("realloc");
    }
  }
  ssize_t got = read(STDIN_FILENO, *buffer + *filled, *capacity - *filled);
  if (got == 0) {
    return 0;
  }
  if (got < 0) {
    if (errno == EINTR || errno == EAGAIN) {
      return 1;
    }
    die("read");
  }
  *filled += (size_t)got;
  size_t offset = 0;
  while (*filled - offset >= 4) {
    uint32_t length;
    memcpy(&length, *buffer + offset, 4);
    if (length > MAX_FRAME) {
      fprintf(stderr, "cairn-spawn: request of %u bytes exceeds the limit\n", length);
      exit(70);
    }
    if (*filled - offset - 4 < length) {
      if (offset == 0 && 4 + (size_t)length > *capacity) {
        *capacity = 4 + (size_t)length;
        *buffer = realloc(*buffer, *capacity);
        if (*buffer == NULL) {
          die("realloc");
        }
      }
      break;
    }
    handle_frame(*buffer + offset + 4, length);
    offset += 4 + length;
  }
  memmove(*buffer, *buffer + offset, *filled - offset);
  *filled -= offset;
  return 1;
}

enum { SOURCE_REQUESTS = -1, SOURCE_CHILDREN = -2 };

/* Reads "UID:GID" into the run-as user; returns 0 when it is not two decimal ids. */
static int parse_run_as(const char *value) {
  char *end;
  errno = 0;
  unsigned long uid = strtoul(value, &end, 10);
  if (errno != 0 || end == value || *end != ':' || uid > (unsigned long)INT32_MAX) {
    return 0;
  }
  const char *rest = end + 1;
  unsigned long gid = strtoul(rest, &end, 10);
  if (errno != 0 || end == rest || *end != '\0' || gid > (unsigned long)INT32_MAX) {
    return 0;
  }
  run_as_uid = (uid_t)uid;
  run_as_gid = (gid_t)gid;
  run_as_user = 1;
  return 1;
}

int main(int argc, char **argv) {
  if (!(argc == 2 || (argc == 4 && strcmp(argv[2], "--run-as") == 0 && parse_run_as(argv[3])))) {
    fprintf(stderr,
            "usage: cairn-spawn PARENT_PID [--run-as UID:GID] (started by the Cairn server)\n");
    return 2;
  }
  helper_pid = getpid();
  /* Tie this helper to the server thread that started it, and make sure it is still there. */
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) {
    die("prctl");
  }
  /* Orphans of a shim that was killed come here rather than to init (see kill_orphans). */
  if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
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
  poller = epoll_create1(EPOLL_CLOEXEC);
  if (poller < 0) {
    die("epoll_create1");
  }
  struct epoll_event requests = {.events = EPOLLIN, .data.u64 = (uint64_t)SOURCE_REQUESTS};
  struct epoll_event exits = {.events = EPOLLIN, .data.u64 = (uint64_t)SOURCE_CHILDREN};
  if (epoll_ctl(poller, EPOLL_CTL_ADD, STDIN_FILENO, &requests) < 0 ||
      epoll_ctl(poller, EPOLL_CTL_ADD, children, &exits) < 0) {
    die("epoll_ctl");
  }

  size_t capacity = 64 * 1024;
  size_t filled = 0;
  char *buffer = malloc(capacity);
  if (buffer == NULL) {
    die("malloc");
  }
  struct epoll_event events[64];
  for (;;) {
    int ready = epoll_wait(poller, events, 64, -1);
    if (ready < 0) {
      if (errno == EINTR) {
        continue;
      }
      die("epoll_wait");
    }
    /* Ends first, then output, then new requests: a step's end is never held behind starts. */
    for (int i = 0; i < ready; i++) {
      uint64_t source = events[i].data.u64;
      if (source == (uint64_t)SOURCE_CHILDREN) {
        struct signalfd_siginfo info;
        while (read(children, &info, sizeof info) > 0) {
        }
        reap();
      } else if (source != (uint64_t)SOURCE_REQUESTS && (source & SOURCE_CONTROL) != 0 &&
                 (source & ~SOURCE_CONTROL) < stream_count &&
                 streams[source & ~SOURCE_CONTROL].in_use) {
        struct stream *stream = &streams[source & ~SOURCE_CONTROL];
        read_control(stream);
        release_if_done(stream);
      }
    }
    int more_requests = 0;
    for (int i = 0; i < ready; i++) {
      uint64_t source = events[i].data.u64;
      if (source == (uint64_t)SOURCE_REQUESTS) {
        more_requests = 1;
      } else if (source != (uint64_t)SOURCE_CHILDREN && source < stream_count &&
                 streams[source].in_use) {
        struct stream *stream = &streams[source];
        pump(stream, PUMP_SLICE, (events[i].events & (EPOLLHUP | EPOLLERR)) != 0);
        release_if_done(stream);
      }
    }
    if (more_requests && !read_requests(&buffer, &capacity, &filled)) {
      return 0;
    }
  }
}
