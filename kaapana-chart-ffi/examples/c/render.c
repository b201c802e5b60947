/* Render a chart with values and a --set, print the `helm template` stream.
 *
 *   cc -std=c11 render.c $(pkg-config --cflags --libs kaapana-chart)
 *   ./a.out fixtures/charts/sprig-webapp
 */
#include <stdio.h>
#include <string.h>

#include "kaapana_chart.h"

/* Prints the calling thread's last error: Helm's message, the template
 * location if there is one, and the long form with the source line. */
static int fail(const char *what, kc_result rc) {
    fprintf(stderr, "%s failed: %s\n", what, kc_result_name(rc));
    if (kc_last_error_file() != NULL) {
        fprintf(stderr, "  at %s:%lld:%lld\n", kc_last_error_file(),
                (long long)kc_last_error_line(), (long long)kc_last_error_column());
    }
    fprintf(stderr, "%s\n", kc_last_error_display());
    return 1;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s CHART\n", argv[0]);
        return 2;
    }
    int status = 1;
    kc_engine_options *eo = NULL;
    kc_engine *engine = NULL;
    kc_chart *chart = NULL;
    kc_render_options *opts = NULL;
    char *out = NULL;
    size_t len = 0;
    kc_result rc;

    /* An engine with a fixed clock and seed (reproducible output) and a
     * smaller step budget than the default. */
    if ((rc = kc_engine_options_new(&eo)) != KC_RESULT_OK ||
        (rc = kc_engine_options_set_fuel(eo, 5000000)) != KC_RESULT_OK ||
        (rc = kc_engine_options_set_deterministic(eo, 42, 1700000000, 0)) != KC_RESULT_OK ||
        (rc = kc_engine_new(eo, &engine)) != KC_RESULT_OK) {
        status = fail("engine", rc);
        goto done;
    }
    /* A chart folder (or .tgz file; kc_chart_load_archive takes bytes). */
    if ((rc = kc_chart_load_path(argv[1], &chart)) != KC_RESULT_OK) {
        status = fail("load", rc);
        goto done;
    }
    /* Values (YAML or JSON text with its length), --set, the release. */
    const char *values = "replicaCount: 2\nservice:\n  port: 8080\n";
    if ((rc = kc_render_options_new(&opts)) != KC_RESULT_OK ||
        (rc = kc_render_options_add_values(opts, values, strlen(values))) != KC_RESULT_OK ||
        (rc = kc_render_options_add_set(opts, KC_SET_KIND_SET_STRING, "image.tag=1.2.3")) != KC_RESULT_OK ||
        (rc = kc_render_options_set_release_name(opts, "demo")) != KC_RESULT_OK ||
        (rc = kc_render_options_set_namespace(opts, "imaging")) != KC_RESULT_OK) {
        status = fail("options", rc);
        goto done;
    }
    if ((rc = kc_render_template(engine, chart, opts, &out, &len)) != KC_RESULT_OK) {
        status = fail("render", rc);
        goto done;
    }
    fwrite(out, 1, len, stdout); /* len bytes, NUL-terminated as well */
    status = 0;

done:
    /* Every handle and string has its own free; NULL is fine. */
    kc_string_free(out);
    kc_render_options_free(opts);
    kc_chart_free(chart);
    kc_engine_free(engine);
    kc_engine_options_free(eo);
    return status;
}
