/*
 * The attempt shim of cairn-spawn: one small process per attempt, forked (never exec'd) from the
 * helper, that starts the step's leader and outlives every process the step starts.
 *
 * Why it exists: a step's processes can leave the step's process group and session (setsid) and
 * drop the marker variable from their environment, and then neither the group signal nor the marker
 * sweep of the server finds them. They cannot stop being descendants of the shim, though, and the
 * shim is a child subreaper (PR_SET_CHILD_SUBREAPER): a descendant whose parent dies is reparented
 * to the shim rather than to init. So once the shim has no child left, nothing the attempt started
 * is left, whatever its processes did with their group, session or environment.
 *
 * Its life:
 *   1. It arms SIGTERM as its parent-death signal (the helper's death, which follows the server's),
 *      becomes a subreaper, keeps only the descriptors the step needs, and starts the leader as the
 *      helper did before the shim existed: vfork, then setsid, the parent-death signal SIGKILL (now
 *      tied to the shim), the size cap, the descriptors, the directory and exec (exec_child).
 *   2. It reports the leader's pid and start time, or the stage that failed, on its control pipe.
 *   3. When the leader has exited, whatever the attempt left behind gets SIGTERM (with SIGCONT, so
 *      a stopped process sees it), and SIGKILL after the attempt's grace period; when the leader
 *      died of SIGKILL (a kill by the server, or the output limit), SIGKILL at once. The shim
 *      reaps until it has no child left.
 *   4. Only then it reports the leader's raw wait status and exits, so the helper's report of the
 *      attempt's end never has a live process of the attempt behind it.
 *   SIGTERM to the shim means "kill the attempt now": the helper sends it when the step writes past
 *   its output limit, and the kernel sends it when the helper dies (the server was killed). The
 *   shim then sends SIGKILL to the leader's group and every descendant, reaps, and exits.
 *
 * A descendant is signalled through a pidfd opened while /proc still names the parent it was listed
 * under, so a pid that was reaped and reused in between is never signalled; a direct child of the
 * shim cannot be reused before the shim reaps it and is signalled by pid.
 *
 * What it cannot hold: a process started on the step's behalf by another service (systemd-run,
 * at, an ssh to localhost) is that service's descendant, not the shim's. A SIGKILL to the shim
 * itself hands its descendants to the helper, which is a subreaper too and kills them (see
 * kill_orphans in cairn-spawn.c); a SIGKILL to both leaves them to init and the marker sweep.
 *
 * This file is part of cairn-spawn.c's translation unit (it is #included there), so that the build
 * stays one compiler call.
 */
#include <dirent.h>
#include <sys/syscall.h>
#include <time.h>

/* What the shim tells the helper on its control pipe, one record per write (atomic, being under
 * PIPE_BUF): first the start (stage 0 with the leader's pid and start time, or the failed stage and
 * errno in value), then, once nothing of the attempt is left, the leader's raw wait status in
 * value. */
struct shim_report {
  int32_t stage;
  int32_t value;
  int64_t pid;
  uint64_t ticks;
};

/* How soon the shim looks again for processes that a SIGKILL round may have missed (one that
 * forked while the round ran); their SIGCHLD wakes it sooner. The pause doubles up to a second,
 * so that a process the shim cannot kill (it changed to a user the server cannot signal), which
 * the attempt's end has to wait for, does not keep it busy. */
#define KILL_ROUND_NANOS (10L * 1000L * 1000L)
#define KILL_ROUND_MAX_NANOS (1000L * 1000L * 1000L)

static void shim_report(int control, int32_t stage, int32_t value, int64_t pid, uint64_t ticks) {
  struct shim_report report = {stage, value, pid, ticks};
  /* A helper that is gone has nobody left to tell; the shim goes on killing regardless. */
  while (write(control, &report, sizeof report) < 0 && errno == EINTR) {
  }
}

/* Reads one record; 0 when the shim ended without writing it. */
static int read_shim_report(int control, struct shim_report *report) {
  ssize_t got;
  do {
    got = read(control, report, sizeof *report);
  } while (got < 0 && errno == EINTR);
  return got == (ssize_t)sizeof *report;
}

/* A process found in the tree, and the parent it was listed under. */
struct tree_entry {
  pid_t pid;
  pid_t parent;
};

struct tree {
  struct tree_entry *entries;
  size_t count;
  size_t capacity;
};

static void tree_add(struct tree *tree, pid_t pid, pid_t parent) {
  if (tree->count == tree->capacity) {
    size_t grown = tree->capacity == 0 ? 64 : tree->capacity * 2;
    struct tree_entry *more = realloc(tree->entries, grown * sizeof *more);
    if (more == NULL) {
      /* Out of memory: signal what was found so far; the next round finds the rest. */
      return;
    }
    tree->entries = more;
    tree->capacity = grown;
  }
  tree->entries[tree->count].pid = pid;
  tree->entries[tree->count].parent = parent;
  tree->count++;
}

/* Appends the children of every thread of `pid`, as /proc/PID/task/TID/children lists them (a
 * child belongs to the thread that forked it). */
static void add_children(struct tree *tree, pid_t pid) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
  DIR *tasks = opendir(path);
  if (tasks == NULL) {
    return;
  }
  struct dirent *task;
  while ((task = readdir(tasks)) != NULL) {
    if (task->d_name[0] == '.') {
      continue;
    }
    char file[128];
    snprintf(file, sizeof file, "/proc/%d/task/%.32s/children", (int)pid, task->d_name);
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      continue;
    }
    /* Space-separated pids; a number cut at the end of one read is carried into the next. */
    char buffer[4096];
    long number = 0;
    int digits = 0;
    ssize_t got;
    while ((got = read(fd, buffer, sizeof buffer)) > 0) {
      for (ssize_t i = 0; i < got; i++) {
        if (buffer[i] >= '0' && buffer[i] <= '9') {
          number = number * 10 + (buffer[i] - '0');
          digits++;
        } else {
          if (digits > 0) {
            tree_add(tree, (pid_t)number, pid);
          }
          number = 0;
          digits = 0;
        }
      }
    }
    if (digits > 0) {
      tree_add(tree, (pid_t)number, pid);
    }
    close(fd);
  }
  closedir(tasks);
}

/* Field 4 of /proc/PID/stat, or 0 when the process is gone. */
static pid_t parent_of(pid_t pid) {
  char stat[1024];
  const char *field = stat_field(pid, 4, stat, sizeof stat);
  return field == NULL ? 0 : (pid_t)strtol(field, NULL, 10);
}

static void signal_entry(pid_t self, const struct tree_entry *entry, int sig) {
  if (entry->parent == self) {
    /* Not yet reaped by this shim, so the pid is still this child's. */
    kill(entry->pid, sig);
    return;
  }
  int fd = (int)syscall(SYS_pidfd_open, entry->pid, 0);
  if (fd < 0) {
    if (errno == ENOSYS && parent_of(entry->pid) == entry->parent) {
      /* A kernel before 5.3: the plain kill, with the small reuse race the pidfd closes. */
      kill(entry->pid, sig);
    }
    return;
  }
  /* The pidfd names whatever held the pid when it was opened; if /proc still shows the parent it
   * was listed under, that is the process found in the tree (or it is dead, and the signal is
   * lost harmlessly). */
  if (parent_of(entry->pid) == entry->parent) {
    syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0);
  }
  close(fd);
}

/* Sends `sig` to every descendant of this shim, children after their own descendants, so that each
 * is signalled while its parent, the one it was listed under, still lives. A stopped process also
 * gets SIGCONT, or a SIGTERM would wait until it is continued. */
static void signal_tree(pid_t self, int sig) {
  struct tree tree = {NULL, 0, 0};
  add_children(&tree, self);
  for (size_t next = 0; next < tree.count; next++) {
    add_children(&tree, tree.entries[next].pid);
  }
  for (size_t i = tree.count; i > 0; i--) {
    signal_entry(self, &tree.entries[i - 1], sig);
    if (sig != SIGKILL) {
      signal_entry(self, &tree.entries[i - 1], SIGCONT);
    }
  }
  free(tree.entries);
}

static int64_t monotonic_nanos(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (int64_t)now.tv_sec * 1000000000L + now.tv_nsec;
}

/* Keeps 0, 1 and 2 and the two given descriptors; the shim must not hold the helper's pipes (the
 * server reads the helper's end from the closing of its stdout) nor other steps' output. */
static void close_all_but(int keep_a, int keep_b) {
  unsigned int low = (unsigned int)(keep_a < keep_b ? keep_a : keep_b);
  unsigned int high = (unsigned int)(keep_a < keep_b ? keep_b : keep_a);
  unsigned int first = 3;
  unsigned int kept[2] = {low, high};
  for (int i = 0; i < 2; i++) {
    if (kept[i] >= first) {
      if (kept[i] > first) {
        close_range(first, kept[i] - 1, 0);
      }
      first = kept[i] + 1;
    }
  }
  close_range(first, ~0U, 0);
}

enum { PHASE_RUNNING, PHASE_TERMINATING, PHASE_KILLING };

/* Waits for the leader and then for the end of everything else; returns the leader's status. */
static int supervise_attempt(pid_t self, pid_t leader, uint32_t grace_millis) {
  sigset_t wanted;
  sigemptyset(&wanted);
  sigaddset(&wanted, SIGCHLD);
  sigaddset(&wanted, SIGTERM);
  int leader_status = 0;
  int leader_alive = 1;
  int phase = PHASE_RUNNING;
  int64_t deadline = 0;
  int64_t kill_round = KILL_ROUND_NANOS;
  for (;;) {
    for (;;) {
      int status;
      pid_t pid = waitpid(-1, &status, WNOHANG);
      if (pid > 0) {
        if (pid == leader) {
          leader_status = status;
          leader_alive = 0;
        }
        continue;
      }
      if (pid < 0 && errno == EINTR) {
        continue;
      }
      if (pid < 0 && errno == ECHILD && !leader_alive) {
        /* No child, so no descendant: the attempt is over. */
        return leader_status;
      }
      break;
    }
    if (!leader_alive && phase == PHASE_RUNNING) {
      if (WIFSIGNALED(leader_status) && WTERMSIG(leader_status) == SIGKILL) {
        phase = PHASE_KILLING;
      } else {
        phase = PHASE_TERMINATING;
        deadline = monotonic_nanos() + (int64_t)grace_millis * 1000000L;
        signal_tree(self, SIGTERM);
      }
    }
    if (phase == PHASE_TERMINATING && monotonic_nanos() - deadline >= 0) {
      phase = PHASE_KILLING;
    }
    if (phase == PHASE_KILLING) {
      signal_tree(self, SIGKILL);
    }
    siginfo_t info;
    int sig;
    if (phase == PHASE_RUNNING) {
      sig = sigwaitinfo(&wanted, &info);
    } else {
      int64_t wait = deadline - monotonic_nanos();
      if (phase == PHASE_KILLING) {
        wait = kill_round;
        kill_round = kill_round * 2 > KILL_ROUND_MAX_NANOS ? KILL_ROUND_MAX_NANOS : kill_round * 2;
      }
      if (wait < 0) {
        wait = 0;
      }
      struct timespec timeout = {(time_t)(wait / 1000000000L), (long)(wait % 1000000000L)};
      sig = sigtimedwait(&wanted, &info, &timeout);
    }
    if (sig == SIGTERM) {
      if (leader_alive) {
        /* Unreaped, so the group is certainly the step's. */
        kill(-leader, SIGKILL);
      }
      phase = PHASE_KILLING;
    }
  }
}

/* The shim, in the child of the helper's fork; never returns. */
static void run_shim(const struct request *request, int output_pipe, int control) {
  pid_t self = getpid();
  /* Every signal waits for sigwaitinfo: SIGINT from a terminal, for one, must not end the shim
   * and orphan the step. The leader unblocks them before it execs. */
  sigset_t all;
  sigfillset(&all);
  sigprocmask(SIG_SETMASK, &all, NULL);
  if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0) {
    shim_report(control, STAGE_PDEATHSIG, errno, 0, 0);
    _exit(0);
  }
  /* The helper may have died between the fork and the prctl; then no signal would ever come. */
  if (getppid() != helper_pid) {
    _exit(0);
  }
  if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
    shim_report(control, STAGE_SUBREAPER, errno, 0, 0);
    _exit(0);
  }
  close_all_but(output_pipe, control);
  /* The helper's requests and replies become /dev/null here; exec_child gives the step its own. */
  int null = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null < 0 || dup2(null, STDIN_FILENO) < 0 || dup2(null, STDOUT_FILENO) < 0) {
    shim_report(control, STAGE_STDIN, errno, 0, 0);
    _exit(0);
  }
  close(null);

  volatile struct child_error failure = {0, 0};
  step_parent_pid = self;
  /* vfork: see spawn() in cairn-spawn.c; the shim resumes when the step runs or has failed to. */
  pid_t leader = vfork();
  if (leader == 0) {
    exec_child(request, output_pipe, &failure);
  }
  int fork_error = errno;
  /* The step's processes are the pipe's only writers from here on. */
  close(output_pipe);
  if (leader < 0) {
    shim_report(control, STAGE_FORK, fork_error, 0, 0);
    _exit(0);
  }
  if (failure.stage != 0) {
    while (waitpid(leader, NULL, 0) < 0 && errno == EINTR) {
    }
    shim_report(control, failure.stage, failure.error, 0, 0);
    _exit(0);
  }
  /* Not reaped before this is read, so the start time is the step's own. */
  shim_report(control, 0, 0, leader, start_ticks(leader));
  int status = supervise_attempt(self, leader, request->grace_millis);
  shim_report(control, 0, status, leader, 0);
  _exit(0);
}
