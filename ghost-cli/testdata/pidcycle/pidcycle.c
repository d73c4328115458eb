/* pidcycle TARGET TRIES: fork short-lived children until one is given the
 * pid TARGET; that child stays (paused, stdio closed) and its pid is
 * printed. Used by TestRealPidReuse to make a real pid reuse happen on
 * purpose. Where /proc/sys/kernel/ns_last_pid is writable (root, as CRIU
 * uses it), the kernel is asked for TARGET directly before each fork;
 * elsewhere pids are cycled through pid_max. Exits 1 if the pid does not
 * come round within TRIES forks. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* ask sets the pid the next fork gets, if the kernel lets us. */
static int ask(pid_t target) {
    int fd = open("/proc/sys/kernel/ns_last_pid", O_WRONLY);
    if (fd < 0) return 0;
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%d", (int)target - 1);
    int ok = write(fd, buf, n) == n;
    close(fd);
    return ok;
}

int main(int argc, char **argv) {
    if (argc != 3) return 2;
    pid_t target = (pid_t)atoi(argv[1]);
    long tries = atol(argv[2]);
    for (long i = 0; i < tries; i++) {
        ask(target);
        pid_t p = fork();
        if (p < 0) return 1;
        if (p == 0) {
            if (getpid() == target) {
                close(0); close(1); close(2);
                for (;;) pause();
            }
            _exit(0);
        }
        if (p == target) {
            printf("%d\n", (int)p);
            return 0;
        }
        waitpid(p, NULL, 0);
    }
    return 1;
}
