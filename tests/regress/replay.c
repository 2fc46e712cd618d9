/* replay.c — replays the fuzzers' reproducers without libFuzzer.
 *
 * usage: replay FILE…   Each FILE is handed to the LLVMFuzzerTestOneInput of the fuzz target
 * named by its directory (tests/regress/frontend/…, bytecode/…, csv/…). The three targets
 * are compiled into this program with their entry points renamed (tests/regress/run.sh:
 * -DLLVMFuzzerTestOneInput=jffuzz_TARGET). Every file runs in a child process with a time
 * limit, so a crash, a sanitizer report (ASan/UBSan/LSan exit non-zero) or a hang fails that
 * file only. Prints each failure, then "N passed, M failed"; exit status 1 when any failed.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int jffuzz_frontend(const uint8_t *data, size_t size);
int jffuzz_bytecode(const uint8_t *data, size_t size);
int jffuzz_csv(const uint8_t *data, size_t size);

#define LIMIT_SECONDS 60

static const struct {
    const char *dir;
    int (*run)(const uint8_t *, size_t);
} targets[] = {{"frontend", jffuzz_frontend}, {"bytecode", jffuzz_bytecode}, {"csv", jffuzz_csv}};

/* The target whose directory holds `path` (the last directory component), or -1. */
static int target_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return -1;
    const char *start = slash;
    while (start > path && start[-1] != '/')
        start--;
    size_t n = (size_t)(slash - start);
    for (int i = 0; i < (int)(sizeof targets / sizeof targets[0]); i++)
        if (strlen(targets[i].dir) == n && !memcmp(targets[i].dir, start, n))
            return i;
    return -1;
}

static int replay_file(int t, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 1;
    }
    size_t cap = 4096, len = 0;
    unsigned char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + len, 1, cap - len, f)) > 0) {
        len += got;
        if (len == cap) {
            unsigned char *nb = realloc(buf, cap *= 2);
            if (!nb)
                free(buf);
            buf = nb;
        }
    }
    int bad = ferror(f);
    fclose(f);
    if (!buf || bad) {
        fprintf(stderr, "%s: cannot read\n", path);
        free(buf);
        return 1;
    }
    /* an exact-size copy, so that ASan sees reads past the input's end */
    unsigned char *data = malloc(len ? len : 1);
    if (!data) {
        free(buf);
        return 1;
    }
    memcpy(data, buf, len);
    free(buf);
    targets[t].run(data, len);
    free(data);
    return 0;
}

int main(int argc, char **argv)
{
    int passed = 0, failed = 0;
    for (int i = 1; i < argc; i++) {
        const char *path = argv[i];
        int t = target_of(path);
        if (t < 0) {
            fprintf(stderr, "FAIL %s: not under a target directory (frontend/, bytecode/, csv/)\n", path);
            failed++;
            continue;
        }
        fflush(NULL);
        pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            return 2;
        }
        if (pid == 0) {
            alarm(LIMIT_SECONDS);
            exit(replay_file(t, path)); /* exit, not _exit: LeakSanitizer runs at exit */
        }
        int status;
        if (waitpid(pid, &status, 0) < 0) {
            perror("waitpid");
            return 2;
        }
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
            passed++;
        } else {
            failed++;
            if (WIFSIGNALED(status))
                fprintf(stderr, "FAIL %s: %s\n", path,
                        WTERMSIG(status) == SIGALRM ? "timed out" : strsignal(WTERMSIG(status)));
            else
                fprintf(stderr, "FAIL %s: exit status %d\n", path, WEXITSTATUS(status));
        }
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
