/* Small helpers for the C tests of kaapana_chart.h. */
#ifndef KC_TESTSUPPORT_H
#define KC_TESTSUPPORT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaapana_chart.h"

static int kc_failures = 0;
static int kc_checks = 0;

#define CHECK(cond)                                                            \
    do {                                                                       \
        kc_checks++;                                                           \
        if (!(cond)) {                                                         \
            kc_failures++;                                                     \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__,   \
                    #cond);                                                    \
        }                                                                      \
    } while (0)

/* Checks that `call` returns `want`, printing the last error if not. */
#define CHECK_RC(call, want)                                                   \
    do {                                                                       \
        kc_result rc_ = (call);                                                \
        kc_checks++;                                                           \
        if (rc_ != (want)) {                                                   \
            const char *m_ = kc_last_error_message();                          \
            kc_failures++;                                                     \
            fprintf(stderr, "%s:%d: %s returned %s (%d), want %s: %s\n",       \
                    __FILE__, __LINE__, #call, kc_result_name(rc_), (int)rc_,  \
                    kc_result_name(want), m_ ? m_ : "(no message)");           \
        }                                                                      \
    } while (0)

#define CHECK_OK(call) CHECK_RC(call, KC_RESULT_OK)

/* Reads a whole file; NULL if it cannot. The caller frees the buffer. */
static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    if (buf == NULL) {
        fclose(f);
        return NULL;
    }
    size_t got;
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *bigger = realloc(buf, cap * 2 + 1);
            if (bigger == NULL) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* Compares `got` (len bytes) with the file `path`, byte for byte. */
static void check_same_as_file(const char *what, const char *got, size_t len,
                               const char *path) {
    size_t want_len = 0;
    char *want = read_file(path, &want_len);
    kc_checks++;
    if (want == NULL) {
        kc_failures++;
        fprintf(stderr, "%s: cannot read %s\n", what, path);
        return;
    }
    if (want_len != len || memcmp(want, got, len) != 0) {
        size_t i = 0;
        while (i < len && i < want_len && want[i] == got[i]) {
            i++;
        }
        kc_failures++;
        fprintf(stderr,
                "%s: differs from %s (got %zu bytes, want %zu; first "
                "difference at byte %zu)\n",
                what, path, len, want_len, i);
    }
    free(want);
}

#endif
