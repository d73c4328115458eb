/* pidcycle TARGET: fork short-lived children until one is given the pid
 * TARGET; that child stays (paused, stdio closed) and its pid is printed.
 * Used by TestRealPidReuse to make a real pid reuse happen on purpose.
 * Exits 1 if the pid does not come round within two cycles of pid_max. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 3) return 2;
    pid_t target = (pid_t)atoi(argv[1]);
    long tries = atol(argv[2]);
    for (long i = 0; i < tries; i++) {
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
