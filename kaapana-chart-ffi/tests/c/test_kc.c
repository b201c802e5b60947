/*
 * C tests of the kaapana-chart C ABI.
 *
 *   test_kc REPO_ROOT EXPECTED_DIR
 *
 * EXPECTED_DIR holds what the kaapana-chart command line printed for the
 * same charts and options (written by ./run): every render here must equal
 * it byte for byte, and every error's long form must equal the CLI's
 * `Error: ...` line. The rest covers every error path (bad archives,
 * template errors with file/line/column, invalid UTF-8, NULL arguments,
 * dead and foreign handles, double frees) and concurrent renders with
 * shared handles. KC_TEST_ROUNDS (default 20) sets the renders per thread.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "testsupport.h"

static const char *root;
static const char *expected;

/* The last error's message, "" if none (so string checks never see NULL). */
static const char *last_message(void) {
    const char *m = kc_last_error_message();
    return m ? m : "";
}

static void path_of(char *buf, size_t cap, const char *base, const char *rel) {
    snprintf(buf, cap, "%s/%s", base, rel);
}

static kc_chart *load(const char *rel) {
    char path[4096];
    path_of(path, sizeof path, root, rel);
    kc_chart *chart = NULL;
    CHECK_OK(kc_chart_load_path(path, &chart));
    return chart;
}

static kc_engine *new_engine(void) {
    kc_engine *engine = NULL;
    CHECK_OK(kc_engine_new(NULL, &engine));
    return engine;
}

/* Adds the text of the file at REPO_ROOT/rel as a values document. */
static void add_values_file(kc_render_options *opts, const char *rel) {
    char path[4096];
    size_t len = 0;
    path_of(path, sizeof path, root, rel);
    char *text = read_file(path, &len);
    CHECK(text != NULL);
    if (text != NULL) {
        CHECK_OK(kc_render_options_add_values(opts, text, len));
        free(text);
    }
}

/* The sprig-webapp options of the expected `webapp.template` stream (the
 * same flags the golden was produced with): the dev values file, every
 * --set kind, release name and namespace. */
static kc_render_options *webapp_options(void) {
    kc_render_options *opts = NULL;
    CHECK_OK(kc_render_options_new(&opts));
    add_values_file(opts, "fixtures/charts/sprig-webapp/values-dev.yaml");
    CHECK_OK(kc_render_options_add_set(opts, KC_SET_KIND_SET, "replicaCount=5,redis.enabled=true"));
    CHECK_OK(kc_render_options_add_set(opts, KC_SET_KIND_SET_STRING, "image.tag=1.2.3"));
    CHECK_OK(kc_render_options_add_set(opts, KC_SET_KIND_SET_JSON,
                                       "resources={\"limits\":{\"cpu\":\"1\"}}"));
    CHECK_OK(kc_render_options_add_set(opts, KC_SET_KIND_SET_LITERAL, "podLabels.tier=a,b"));
    CHECK_OK(kc_render_options_set_release_name(opts, "web"));
    CHECK_OK(kc_render_options_set_namespace(opts, "prod"));
    return opts;
}

typedef kc_result (*render_fn)(const kc_engine *, const kc_chart *,
                               const kc_render_options *, char **, size_t *);

/* Renders and compares with EXPECTED_DIR/name. */
static void check_render(const char *name, render_fn render,
                         const kc_engine *engine, const kc_chart *chart,
                         const kc_render_options *opts) {
    char *out = NULL;
    size_t len = 0;
    char path[4096];
    CHECK_OK(render(engine, chart, opts, &out, &len));
    CHECK(out != NULL);
    if (out == NULL) {
        return;
    }
    CHECK(strlen(out) == len); /* NUL-terminated, no NUL inside here */
    path_of(path, sizeof path, expected, name);
    check_same_as_file(name, out, len, path);
    CHECK_OK(kc_string_free(out));
}

/* Checks that the last error's long form is the CLI's `Error: ...` text. */
static void check_error_display(const char *name) {
    const char *display = kc_last_error_display();
    char path[4096];
    CHECK(display != NULL);
    if (display == NULL) {
        return;
    }
    size_t n = strlen(display);
    char *line = malloc(n + 9);
    CHECK(line != NULL);
    if (line == NULL) {
        return;
    }
    snprintf(line, n + 9, "Error: %s\n", display);
    path_of(path, sizeof path, expected, name);
    check_same_as_file(name, line, strlen(line), path);
    free(line);
}

static void test_version(void) {
    const char *v = kc_version();
    CHECK(v != NULL && strlen(v) >= 5);
    CHECK(strcmp(kc_result_name(KC_RESULT_OK), "ok") == 0);
    CHECK(strcmp(kc_result_name(KC_RESULT_TEMPLATE_EXEC), "template_exec") == 0);
    CHECK(strcmp(kc_result_name(12345), "unknown") == 0);
    /* The values are part of the ABI. */
    CHECK(KC_RESULT_NULL_ARGUMENT == 1 && KC_RESULT_INVALID_UTF8 == 2 &&
          KC_RESULT_INVALID_HANDLE == 3 && KC_RESULT_TEMPLATE_SYNTAX == 10 &&
          KC_RESULT_SCHEMA == 17 && KC_RESULT_OTHER == 99);
}

static void test_same_as_cli(void) {
    kc_engine *engine = new_engine();

    /* sprig-webapp: values file, every --set kind, release settings. */
    kc_chart *web = load("fixtures/charts/sprig-webapp");
    kc_render_options *opts = webapp_options();
    check_render("webapp.template", kc_render_template, engine, web, opts);
    CHECK_OK(kc_render_options_set_revision(opts, 4));
    CHECK_OK(kc_render_options_set_upgrade(opts, true));
    check_render("webapp.json", kc_render_json, engine, web, opts);
    CHECK_OK(kc_render_options_free(opts));

    /* Defaults everywhere (NULL options). */
    check_render("webapp-defaults.template", kc_render_template, engine, web, NULL);
    CHECK_OK(kc_chart_free(web));

    /* CRDs and hooks with the output flags. */
    kc_chart *crds = load("fixtures/charts/hooks-and-crds");
    CHECK_OK(kc_render_options_new(&opts));
    CHECK_OK(kc_render_options_set_include_crds(opts, true));
    CHECK_OK(kc_render_options_set_skip_tests(opts, true));
    check_render("crds.template", kc_render_template, engine, crds, opts);
    CHECK_OK(kc_render_options_set_include_crds(opts, false));
    CHECK_OK(kc_render_options_set_no_hooks(opts, true));
    CHECK_OK(kc_render_options_add_show_only(opts, "templates/svc.yaml"));
    check_render("crds-show-only.template", kc_render_template, engine, crds, opts);
    CHECK_OK(kc_render_options_free(opts));
    CHECK_OK(kc_chart_free(crds));

    /* Nested archives, a user values file that deletes a default. */
    kc_chart *nested = load("fixtures/charts/nested-tgz");
    CHECK_OK(kc_render_options_new(&opts));
    add_values_file(opts, "fixtures/charts/nested-tgz/values-user.yaml");
    check_render("nested.template", kc_render_template, engine, nested, opts);
    CHECK_OK(kc_render_options_free(opts));
    CHECK_OK(kc_chart_free(nested));

    /* A chart from .tgz bytes renders as the CLI renders the file. */
    {
        char path[4096];
        size_t len = 0;
        path_of(path, sizeof path, root, "fixtures/charts/nested-tgz/charts/mid-0.2.0.tgz");
        char *bytes = read_file(path, &len);
        CHECK(bytes != NULL);
        kc_chart *mid = NULL;
        CHECK_OK(kc_chart_load_archive((const uint8_t *)bytes, len, &mid));
        free(bytes); /* the chart does not need the buffer */
        check_render("mid.json", kc_render_json, engine, mid, NULL);
        CHECK_OK(kc_chart_free(mid));
    }

    /* NOTES.txt appear in the JSON map, not in the stream. */
    kc_chart *notes = load("fixtures/charts/notes");
    check_render("notes.json", kc_render_json, engine, notes, NULL);
    check_render("notes.template", kc_render_template, engine, notes, NULL);
    CHECK_OK(kc_chart_free(notes));
    CHECK_OK(kc_engine_free(engine));

    /* Capabilities and release from the engine and render options. */
    kc_engine_options *eo = NULL;
    CHECK_OK(kc_engine_options_new(&eo));
    CHECK_OK(kc_engine_options_set_kube_version(eo, "v1.29.3"));
    CHECK_OK(kc_engine_options_add_api_version(eo, "example.com/v1"));
    CHECK_OK(kc_engine_options_add_api_version(eo, "apps/v1/Deployment"));
    CHECK_OK(kc_engine_new(eo, &engine));
    CHECK_OK(kc_engine_options_free(eo)); /* the engine keeps its copy */
    kc_chart *caps = load("fixtures/charts/release-capabilities");
    CHECK_OK(kc_render_options_new(&opts));
    CHECK_OK(kc_render_options_set_release_name(opts, "rel"));
    CHECK_OK(kc_render_options_set_namespace(opts, "ns1"));
    CHECK_OK(kc_render_options_set_revision(opts, 7));
    CHECK_OK(kc_render_options_set_upgrade(opts, true));
    check_render("caps.json", kc_render_json, engine, caps, opts);
    CHECK_OK(kc_render_options_free(opts));
    CHECK_OK(kc_chart_free(caps));
    CHECK_OK(kc_engine_free(engine));
}

static void test_template_errors(void) {
    kc_engine *engine = new_engine();
    char *out = (char *)1; /* must be reset to NULL on failure */
    size_t len = 99;

    /* Execution error: file, line and column. */
    kc_chart *nilp = load("fixtures/charts/nil-pointer-error");
    CHECK_RC(kc_render_template(engine, nilp, NULL, &out, &len), KC_RESULT_TEMPLATE_EXEC);
    CHECK(out == NULL);
    CHECK(len == 0);
    CHECK(kc_last_error_code() == KC_RESULT_TEMPLATE_EXEC);
    CHECK(kc_last_error_file() != NULL &&
          strcmp(kc_last_error_file(), "nilp/templates/cm.yaml") == 0);
    CHECK(kc_last_error_line() == 6);
    CHECK(kc_last_error_column() == 16);
    CHECK(strstr(last_message(), "nil pointer evaluating") != NULL);
    check_error_display("nilp.err");
    /* ...and the JSON form reports the same error without the hint. */
    CHECK_RC(kc_render_json(engine, nilp, NULL, &out, NULL), KC_RESULT_TEMPLATE_EXEC);
    CHECK(strstr(last_message(), "Use --debug") == NULL);
    CHECK_OK(kc_chart_free(nilp));

    /* Syntax error in a subchart. */
    kc_chart *parse = load("fixtures/charts/parse-error-subchart-error");
    CHECK_RC(kc_render_template(engine, parse, NULL, &out, &len), KC_RESULT_TEMPLATE_SYNTAX);
    CHECK(kc_last_error_file() != NULL &&
          strstr(kc_last_error_file(), "charts/child/templates/cm.yaml") != NULL);
    CHECK(kc_last_error_line() > 0);
    check_error_display("parse.err");
    CHECK_OK(kc_chart_free(parse));

    /* Schema violation. */
    kc_chart *schema = load("fixtures/charts/schema");
    kc_render_options *opts = NULL;
    CHECK_OK(kc_render_options_new(&opts));
    add_values_file(opts, "fixtures/charts/schema/values-bad-error.yaml");
    CHECK_RC(kc_render_template(engine, schema, opts, &out, &len), KC_RESULT_SCHEMA);
    check_error_display("schema.err");
    /* ...not with validation off. */
    {
        kc_engine_options *eo = NULL;
        kc_engine *lax = NULL;
        CHECK_OK(kc_engine_options_new(&eo));
        CHECK_OK(kc_engine_options_set_schema_validation(eo, false));
        CHECK_OK(kc_engine_new(eo, &lax));
        CHECK_OK(kc_render_json(lax, schema, opts, &out, NULL));
        CHECK_OK(kc_string_free(out));
        CHECK_OK(kc_engine_free(lax));
        CHECK_OK(kc_engine_options_free(eo));
    }
    CHECK_OK(kc_render_options_free(opts));
    CHECK_OK(kc_chart_free(schema));

    /* Strict mode. */
    kc_chart *strict = load("fixtures/charts/strict-missing-key-error");
    CHECK_OK(kc_render_json(engine, strict, NULL, &out, NULL));
    CHECK_OK(kc_string_free(out));
    {
        kc_engine_options *eo = NULL;
        kc_engine *se = NULL;
        CHECK_OK(kc_engine_options_new(&eo));
        CHECK_OK(kc_engine_options_set_strict(eo, true));
        CHECK_OK(kc_engine_new(eo, &se));
        CHECK_RC(kc_render_json(se, strict, NULL, &out, NULL), KC_RESULT_TEMPLATE_EXEC);
        CHECK(strstr(last_message(), "map has no entry for key") != NULL);
        CHECK_OK(kc_engine_free(se));
        /* A tiny fuel budget stops the render. */
        CHECK_OK(kc_engine_options_set_strict(eo, false));
        CHECK_OK(kc_engine_options_set_fuel(eo, 3));
        CHECK_OK(kc_engine_new(eo, &se));
        kc_chart *web = load("fixtures/charts/sprig-webapp");
        CHECK_RC(kc_render_json(se, web, NULL, &out, NULL), KC_RESULT_LIMIT_EXCEEDED);
        CHECK_OK(kc_engine_free(se));
        /* ...as does a tiny output budget. */
        CHECK_OK(kc_engine_options_set_fuel(eo, UINT64_MAX));
        CHECK_OK(kc_engine_options_set_max_output(eo, 10));
        CHECK_OK(kc_engine_new(eo, &se));
        CHECK_RC(kc_render_json(se, web, NULL, &out, NULL), KC_RESULT_LIMIT_EXCEEDED);
        CHECK_OK(kc_engine_free(se));
        CHECK_OK(kc_chart_free(web));
        CHECK_OK(kc_engine_options_free(eo));
    }
    CHECK_OK(kc_chart_free(strict));

    /* helm template's own checks. */
    kc_chart *old = load("fixtures/charts/kube-version-constraint");
    CHECK_RC(kc_render_template(engine, old, NULL, &out, &len), KC_RESULT_INVALID_ARGUMENT);
    check_error_display("kube.err");
    CHECK_OK(kc_chart_free(old));
    kc_chart *web = load("fixtures/charts/sprig-webapp");
    CHECK_OK(kc_render_options_new(&opts));
    CHECK_OK(kc_render_options_set_release_name(opts, "Not_A_Valid_Name"));
    CHECK_RC(kc_render_template(engine, web, opts, &out, &len), KC_RESULT_INVALID_ARGUMENT);
    CHECK_OK(kc_render_options_free(opts));

    /* Bad values and bad --set expressions (checked when rendering). */
    CHECK_OK(kc_render_options_new(&opts));
    CHECK_OK(kc_render_options_add_values(opts, "a: [1, 2\n", 9));
    CHECK_RC(kc_render_json(engine, web, opts, &out, NULL), KC_RESULT_YAML);
    CHECK(strstr(last_message(), "failed to parse values text 1") != NULL);
    CHECK_OK(kc_render_options_free(opts));
    CHECK_OK(kc_render_options_new(&opts));
    CHECK_OK(kc_render_options_add_set(opts, KC_SET_KIND_SET, "noequals"));
    CHECK(kc_render_json(engine, web, opts, &out, NULL) != KC_RESULT_OK);
    CHECK(strstr(last_message(), "failed parsing --set data") != NULL);
    CHECK_OK(kc_render_options_free(opts));
    CHECK_OK(kc_render_options_new(&opts));
    CHECK_OK(kc_render_options_add_set(opts, KC_SET_KIND_SET_FILE, "x=/nonexistent/kc-file"));
    CHECK_RC(kc_render_json(engine, web, opts, &out, NULL), KC_RESULT_IO);
    CHECK_OK(kc_render_options_free(opts));
    CHECK_OK(kc_chart_free(web));
    CHECK_OK(kc_engine_free(engine));

    /* A success clears the last error. */
    CHECK_OK(kc_engine_new(NULL, &engine));
    CHECK(kc_last_error_code() == KC_RESULT_OK);
    CHECK(kc_last_error_message() == NULL);
    CHECK(kc_last_error_display() == NULL);
    CHECK(kc_last_error_file() == NULL);
    CHECK(kc_last_error_line() == -1 && kc_last_error_column() == -1);
    CHECK_OK(kc_engine_free(engine));
}

static void test_bad_archives(void) {
    kc_chart *chart = (kc_chart *)1;
    static const char *const bad[] = {
        "fixtures/loader/archives/a01-not-gzip-text.tgz",
        "fixtures/loader/archives/a03-truncated-gzip.tgz",
        "fixtures/loader/archives/a04-bad-crc.tgz",
        "fixtures/loader/archives/a14-parent-1.tgz",
        "fixtures/loader/archives/a15-absolute-1.tgz",
        "fixtures/loader/archives/a05-file-5mib-plus-1.tgz",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char path[4096];
        size_t len = 0;
        path_of(path, sizeof path, root, bad[i]);
        char *bytes = read_file(path, &len);
        CHECK(bytes != NULL);
        kc_result rc = kc_chart_load_archive((const uint8_t *)bytes, len, &chart);
        kc_checks++;
        if (rc == KC_RESULT_OK || chart != NULL || kc_last_error_message() == NULL) {
            kc_failures++;
            fprintf(stderr, "%s: loaded, want an error\n", bad[i]);
            kc_chart_free(chart);
        }
        free(bytes);
        /* The path loader agrees. */
        CHECK(kc_chart_load_path(path, &chart) != KC_RESULT_OK && chart == NULL);
    }
    /* Not gzip at all, or too short, in Helm's (Go's) words. */
    CHECK(kc_chart_load_archive((const uint8_t *)"not a gzip stream", 17, &chart) != KC_RESULT_OK);
    CHECK(strcmp(last_message(), "gzip: invalid header") == 0);
    CHECK(kc_chart_load_archive((const uint8_t *)"\x1f\x8b", 2, &chart) != KC_RESULT_OK);
    CHECK(strcmp(last_message(), "unexpected EOF") == 0);
    /* Empty input (NULL is allowed with length 0). */
    CHECK(kc_chart_load_archive(NULL, 0, &chart) != KC_RESULT_OK);
    CHECK(strcmp(last_message(), "EOF") == 0);
    /* A folder that does not exist. */
    CHECK_RC(kc_chart_load_path("/nonexistent/kc-chart", &chart), KC_RESULT_IO);
    CHECK(chart == NULL);
}

static void test_invalid_utf8(void) {
    kc_chart *chart = NULL;
    kc_engine_options *eo = NULL;
    kc_render_options *opts = NULL;
    CHECK_RC(kc_chart_load_path("fixtures/\xff\xfe", &chart), KC_RESULT_INVALID_UTF8);
    CHECK(strstr(last_message(), "not valid UTF-8") != NULL);
    CHECK_OK(kc_engine_options_new(&eo));
    CHECK_RC(kc_engine_options_set_kube_version(eo, "v1.\xc3"), KC_RESULT_INVALID_UTF8);
    CHECK_RC(kc_engine_options_add_api_version(eo, "\x80/v1"), KC_RESULT_INVALID_UTF8);
    CHECK_OK(kc_engine_options_free(eo));
    CHECK_OK(kc_render_options_new(&opts));
    CHECK_RC(kc_render_options_add_values(opts, "a: \xe2\x82", 5), KC_RESULT_INVALID_UTF8);
    CHECK_RC(kc_render_options_add_set(opts, KC_SET_KIND_SET, "a=\xc0\xaf"), KC_RESULT_INVALID_UTF8);
    CHECK_RC(kc_render_options_set_release_name(opts, "\xff"), KC_RESULT_INVALID_UTF8);
    CHECK_RC(kc_render_options_set_namespace(opts, "\xff"), KC_RESULT_INVALID_UTF8);
    CHECK_RC(kc_render_options_add_show_only(opts, "\xff"), KC_RESULT_INVALID_UTF8);
    /* Explicit lengths: a NUL inside is text, bytes past len are ignored. */
    CHECK_OK(kc_render_options_add_values(opts, "a: 1\xff", 4));
    CHECK_OK(kc_render_options_free(opts));
}

static void test_null_and_handles(void) {
    kc_engine *engine = NULL;
    kc_chart *chart = NULL;
    kc_engine_options *eo = NULL;
    kc_render_options *opts = NULL;
    char *out = NULL;

    /* NULL out-pointers and required arguments. */
    CHECK_RC(kc_engine_new(NULL, NULL), KC_RESULT_NULL_ARGUMENT);
    CHECK_RC(kc_engine_options_new(NULL), KC_RESULT_NULL_ARGUMENT);
    CHECK_RC(kc_render_options_new(NULL), KC_RESULT_NULL_ARGUMENT);
    CHECK_RC(kc_chart_load_path(NULL, &chart), KC_RESULT_NULL_ARGUMENT);
    CHECK_RC(kc_chart_load_path("x", NULL), KC_RESULT_NULL_ARGUMENT);
    CHECK_RC(kc_chart_load_archive(NULL, 10, &chart), KC_RESULT_NULL_ARGUMENT);
    CHECK_RC(kc_chart_load_archive((const uint8_t *)"x", 1, NULL), KC_RESULT_NULL_ARGUMENT);
    CHECK_RC(kc_engine_options_set_strict(NULL, true), KC_RESULT_NULL_ARGUMENT);
    CHECK_RC(kc_engine_options_set_deterministic(NULL, 1, 0, 0), KC_RESULT_NULL_ARGUMENT);
    CHECK_RC(kc_engine_options_set_fuel(NULL, 1), KC_RESULT_NULL_ARGUMENT);
    CHECK_RC(kc_engine_options_set_max_output(NULL, 1), KC_RESULT_NULL_ARGUMENT);
    CHECK_RC(kc_engine_options_set_max_call_depth(NULL, 1), KC_RESULT_NULL_ARGUMENT);
    CHECK_RC(kc_engine_options_set_max_nesting_depth(NULL, 1), KC_RESULT_NULL_ARGUMENT);
    CHECK_RC(kc_engine_options_set_kube_version(NULL, "1.2"), KC_RESULT_NULL_ARGUMENT);
    CHECK_RC(kc_engine_options_add_api_version(NULL, "v1"), KC_RESULT_NULL_ARGUMENT);
    CHECK_RC(kc_engine_options_set_schema_validation(NULL, true), KC_RESULT_NULL_ARGUMENT);
    CHECK_RC(kc_engine_options_set_dns(NULL, false), KC_RESULT_NULL_ARGUMENT);
    CHECK_RC(kc_render_options_add_values(NULL, "a: 1", 4), KC_RESULT_NULL_ARGUMENT);
    CHECK_RC(kc_render_options_add_set(NULL, KC_SET_KIND_SET, "a=1"), KC_RESULT_NULL_ARGUMENT);
    CHECK_RC(kc_render_options_set_release_name(NULL, "x"), KC_RESULT_NULL_ARGUMENT);
    CHECK_RC(kc_render_options_set_namespace(NULL, "x"), KC_RESULT_NULL_ARGUMENT);
    CHECK_RC(kc_render_options_set_revision(NULL, 1), KC_RESULT_NULL_ARGUMENT);
    CHECK_RC(kc_render_options_set_upgrade(NULL, true), KC_RESULT_NULL_ARGUMENT);
    CHECK_RC(kc_render_options_set_include_crds(NULL, true), KC_RESULT_NULL_ARGUMENT);
    CHECK_RC(kc_render_options_set_skip_tests(NULL, true), KC_RESULT_NULL_ARGUMENT);
    CHECK_RC(kc_render_options_set_no_hooks(NULL, true), KC_RESULT_NULL_ARGUMENT);
    CHECK_RC(kc_render_options_set_hide_secret(NULL, true), KC_RESULT_NULL_ARGUMENT);
    CHECK_RC(kc_render_options_add_show_only(NULL, "x"), KC_RESULT_NULL_ARGUMENT);
    CHECK_RC(kc_render_json(NULL, NULL, NULL, &out, NULL), KC_RESULT_NULL_ARGUMENT);
    CHECK_RC(kc_render_template(NULL, NULL, NULL, &out, NULL), KC_RESULT_NULL_ARGUMENT);
    CHECK(strstr(last_message(), "engine must not be NULL") != NULL);

    CHECK_OK(kc_engine_new(NULL, &engine));
    chart = load("fixtures/charts/sprig-webapp");
    CHECK_RC(kc_render_json(engine, NULL, NULL, &out, NULL), KC_RESULT_NULL_ARGUMENT);
    CHECK_RC(kc_render_json(engine, chart, NULL, NULL, NULL), KC_RESULT_NULL_ARGUMENT);
    CHECK_OK(kc_render_options_new(&opts));
    CHECK_RC(kc_render_options_add_values(opts, NULL, 3), KC_RESULT_NULL_ARGUMENT);
    CHECK_OK(kc_render_options_add_values(opts, NULL, 0)); /* empty text */
    CHECK_RC(kc_render_options_add_set(opts, KC_SET_KIND_SET, NULL), KC_RESULT_NULL_ARGUMENT);
    CHECK_RC(kc_render_options_add_set(opts, 42, "a=1"), KC_RESULT_INVALID_ARGUMENT);
    CHECK_RC(kc_render_options_set_release_name(opts, NULL), KC_RESULT_NULL_ARGUMENT);

    /* Freeing NULL is a no-op. */
    CHECK_OK(kc_engine_free(NULL));
    CHECK_OK(kc_chart_free(NULL));
    CHECK_OK(kc_engine_options_free(NULL));
    CHECK_OK(kc_render_options_free(NULL));
    CHECK_OK(kc_string_free(NULL));

    /* Wrong-typed handles are refused, not misread. */
    CHECK_RC(kc_render_json((const kc_engine *)chart, (const kc_chart *)engine, NULL, &out, NULL),
             KC_RESULT_INVALID_HANDLE);
    CHECK_RC(kc_engine_free((kc_engine *)chart), KC_RESULT_INVALID_HANDLE);
    CHECK_RC(kc_render_options_set_revision((kc_render_options *)engine, 2), KC_RESULT_INVALID_HANDLE);
    /* Foreign pointers. */
    int local = 0;
    char buf[8] = "abc";
    CHECK_RC(kc_engine_free((kc_engine *)&local), KC_RESULT_INVALID_HANDLE);
    CHECK_RC(kc_string_free(buf), KC_RESULT_INVALID_HANDLE);
    CHECK_RC(kc_render_json((const kc_engine *)&local, chart, NULL, &out, NULL), KC_RESULT_INVALID_HANDLE);

    /* Strings: a double free is detected. */
    CHECK_OK(kc_render_json(engine, chart, opts, &out, NULL));
    CHECK_OK(kc_string_free(out));
    CHECK_RC(kc_string_free(out), KC_RESULT_INVALID_HANDLE);

    /* Use after free and double free of handles. */
    CHECK_OK(kc_render_options_free(opts));
    CHECK_RC(kc_render_options_free(opts), KC_RESULT_INVALID_HANDLE);
    CHECK_RC(kc_render_json(engine, chart, opts, &out, NULL), KC_RESULT_INVALID_HANDLE);
    CHECK_OK(kc_chart_free(chart));
    CHECK_RC(kc_chart_free(chart), KC_RESULT_INVALID_HANDLE);
    CHECK_RC(kc_render_json(engine, chart, NULL, &out, NULL), KC_RESULT_INVALID_HANDLE);
    CHECK(out == NULL);
    CHECK_OK(kc_engine_free(engine));
    CHECK_RC(kc_engine_free(engine), KC_RESULT_INVALID_HANDLE);
    CHECK_OK(kc_engine_options_new(&eo));
    CHECK_OK(kc_engine_options_free(eo));
    CHECK_RC(kc_engine_options_free(eo), KC_RESULT_INVALID_HANDLE);
    CHECK_RC(kc_engine_new(eo, &engine), KC_RESULT_INVALID_HANDLE);
    CHECK(engine == NULL);

    /* Options that are refused. */
    CHECK_OK(kc_engine_options_new(&eo));
    CHECK_RC(kc_engine_options_set_kube_version(eo, "not a version"), KC_RESULT_INVALID_ARGUMENT);
    CHECK_RC(kc_engine_options_set_deterministic(eo, 1, 0, 1000000000u), KC_RESULT_INVALID_ARGUMENT);
    CHECK_OK(kc_engine_options_set_kube_version(eo, NULL));
    CHECK_OK(kc_engine_options_free(eo));
}

/* Two engines with the same seed and clock render the same; a render does
 * not depend on the renders before it. */
static void test_deterministic(void) {
    kc_engine_options *eo = NULL;
    kc_engine *a = NULL, *b = NULL;
    char *x = NULL, *y = NULL, *z = NULL;
    size_t xl = 0, yl = 0, zl = 0;
    CHECK_OK(kc_engine_options_new(&eo));
    CHECK_OK(kc_engine_options_set_deterministic(eo, 42, 1700000000, 0));
    CHECK_OK(kc_engine_new(eo, &a));
    CHECK_OK(kc_engine_new(eo, &b));
    kc_chart *chart = load("kaapana-chart-ffi/tests/charts/random");
    CHECK_OK(kc_render_json(a, chart, NULL, &x, &xl));
    CHECK_OK(kc_render_json(a, chart, NULL, &y, &yl));
    CHECK_OK(kc_render_json(b, chart, NULL, &z, &zl));
    CHECK(x && y && z && xl == yl && yl == zl && memcmp(x, y, xl) == 0 && memcmp(x, z, xl) == 0);
    CHECK(x && strstr(x, "2023-11-14T22:13:20Z") != NULL);
    kc_string_free(x);
    kc_string_free(y);
    kc_string_free(z);
    CHECK_OK(kc_engine_options_set_deterministic(eo, 43, 1700000000, 0));
    kc_engine *c = NULL;
    CHECK_OK(kc_engine_new(eo, &c));
    CHECK_OK(kc_render_json(a, chart, NULL, &x, &xl));
    CHECK_OK(kc_render_json(c, chart, NULL, &y, &yl));
    CHECK(x && y && (xl != yl || memcmp(x, y, xl) != 0));
    kc_string_free(x);
    kc_string_free(y);
    kc_engine_free(a);
    kc_engine_free(b);
    kc_engine_free(c);
    kc_chart_free(chart);
    kc_engine_options_free(eo);
}

/* Threads share one engine, one chart and one options handle. */
struct shared {
    const kc_engine *engine;
    const kc_chart *chart;
    const kc_render_options *opts;
    const char *want;
    size_t want_len;
    int rounds;
    atomic_int bad;
};

static void *render_many(void *arg) {
    struct shared *s = arg;
    for (int i = 0; i < s->rounds; i++) {
        char *out = NULL;
        size_t len = 0;
        if (kc_render_template(s->engine, s->chart, s->opts, &out, &len) != KC_RESULT_OK ||
            len != s->want_len || memcmp(out, s->want, len) != 0) {
            atomic_fetch_add(&s->bad, 1);
        }
        kc_string_free(out);
        /* A failing call on this thread sets only this thread's error. */
        kc_chart *none = NULL;
        if (kc_chart_load_path("/nonexistent/kc", &none) != KC_RESULT_IO ||
            strstr(last_message(), "/nonexistent/kc") == NULL) {
            atomic_fetch_add(&s->bad, 1);
        }
    }
    return NULL;
}

static void run_threads(const char *what, struct shared *s) {
    enum { THREADS = 8 };
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++) {
        CHECK(pthread_create(&t[i], NULL, render_many, s) == 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
    }
    if (atomic_load(&s->bad) != 0) {
        fprintf(stderr, "%s: %d of %d concurrent renders differed\n", what, atomic_load(&s->bad),
                THREADS * s->rounds);
    }
    CHECK(atomic_load(&s->bad) == 0);
}

static void test_threads(int rounds) {
    kc_engine *engine = new_engine();
    kc_chart *chart = load("fixtures/charts/sprig-webapp");
    kc_render_options *opts = webapp_options();
    char path[4096];
    size_t want_len = 0;
    path_of(path, sizeof path, expected, "webapp.template");
    char *want = read_file(path, &want_len);
    CHECK(want != NULL);
    struct shared s = {engine, chart, opts, want, want_len, rounds, 0};
    run_threads("shared engine", &s);
    free(want);
    CHECK_OK(kc_render_options_free(opts));
    CHECK_OK(kc_chart_free(chart));
    CHECK_OK(kc_engine_free(engine));

    /* A deterministic engine gives every thread the same bytes. */
    kc_engine_options *eo = NULL;
    CHECK_OK(kc_engine_options_new(&eo));
    CHECK_OK(kc_engine_options_set_deterministic(eo, 7, 1700000000, 0));
    CHECK_OK(kc_engine_new(eo, &engine));
    CHECK_OK(kc_engine_options_free(eo));
    chart = load("kaapana-chart-ffi/tests/charts/random");
    char *first = NULL;
    CHECK_OK(kc_render_template(engine, chart, NULL, &first, &want_len));
    struct shared d = {engine, chart, NULL, first, want_len, rounds, 0};
    run_threads("deterministic engine", &d);
    kc_string_free(first);
    CHECK_OK(kc_chart_free(chart));
    CHECK_OK(kc_engine_free(engine));
}

/* The Kaapana layer: extension params. */
static void test_extension_params(void) {
    kc_chart *chart = load("kaapana-chart-ffi/tests/charts/extension");
    kc_engine *engine = new_engine();
    char *out = NULL;
    size_t len = 0;

    /* The listing is the CLI's `params --output json`. */
    CHECK_OK(kc_chart_extension_params(chart, &out, &len));
    if (out != NULL) {
        char path[4096];
        path_of(path, sizeof path, expected, "extension.params.json");
        check_same_as_file("extension.params.json", out, len, path);
    }
    kc_string_free(out);
    /* A chart without the block. */
    kc_chart *plain = load("fixtures/charts/notes");
    CHECK_OK(kc_chart_extension_params(plain, &out, &len));
    if (out != NULL) {
        char path[4096];
        path_of(path, sizeof path, expected, "notes.params.json");
        check_same_as_file("notes.params.json", out, len, path);
    }
    kc_string_free(out);
    CHECK_OK(kc_chart_free(plain));

    /* Validation: defaults filled in, list_multi joined. */
    const char *sub = "{\"task_ids\": [\"lungs\", \"liver\"], \"mode\": \"accurate\"}";
    CHECK_OK(kc_chart_validate_params(chart, sub, strlen(sub), &out, &len));
    CHECK(out && strcmp(out, "{\"mode\":\"accurate\",\"single_execution\":false,"
                             "\"task_ids\":\"lungs,liver\"}") == 0);
    kc_string_free(out);
    CHECK_OK(kc_chart_validate_params(chart, NULL, 0, NULL, NULL)); /* all defaults */
    const char *undeclared = "{\"nope\": 1}";
    CHECK_RC(kc_chart_validate_params(chart, undeclared, strlen(undeclared), &out, NULL),
             KC_RESULT_INVALID_ARGUMENT);
    CHECK(out == NULL && strstr(last_message(), "\"nope\" is not declared") != NULL);
    const char *choice = "{\"mode\": \"slow\"}";
    CHECK_RC(kc_chart_validate_params(chart, choice, strlen(choice), NULL, NULL),
             KC_RESULT_INVALID_ARGUMENT);
    CHECK(strstr(last_message(), "mode") != NULL);
    CHECK_RC(kc_chart_validate_params(chart, "{bad", 4, NULL, NULL), KC_RESULT_JSON);
    CHECK_RC(kc_chart_validate_params(chart, "{\"mode\": \"\xff\"}", 13, NULL, NULL),
             KC_RESULT_INVALID_UTF8);
    CHECK_RC(kc_chart_validate_params(NULL, "{}", 2, NULL, NULL), KC_RESULT_NULL_ARGUMENT);
    CHECK_RC(kc_chart_validate_params(chart, NULL, 2, NULL, NULL), KC_RESULT_NULL_ARGUMENT);
    CHECK_RC(kc_chart_extension_params(chart, NULL, NULL), KC_RESULT_NULL_ARGUMENT);

    /* Rendering with params is the CLI's `--param ... --globals FILE`;
     * explicit --set values win over the params layer. */
    kc_render_options *opts = NULL;
    CHECK_OK(kc_render_options_new(&opts));
    CHECK_OK(kc_render_options_set_release_name(opts, "ext"));
    CHECK_OK(kc_render_options_add_param(opts, "task_ids=lungs,liver"));
    CHECK_OK(kc_render_options_add_param(opts, "single_execution=false"));
    CHECK_OK(kc_render_options_add_param(opts, "single_execution=true")); /* later wins */
    const char *globals = "global:\n  admin_namespace: admin\n  kaapana_collections: [x]\n";
    CHECK_OK(kc_render_options_set_platform_globals(opts, globals, strlen(globals)));
    CHECK_OK(kc_render_options_add_set(opts, KC_SET_KIND_SET, "global.mode=accurate"));
    check_render("extension.template", kc_render_template, engine, chart, opts);
    CHECK_RC(kc_render_options_add_param(opts, "noequals"), KC_RESULT_INVALID_ARGUMENT);
    CHECK_OK(kc_render_options_add_param(opts, "mode=slow"));
    CHECK_RC(kc_render_template(engine, chart, opts, &out, &len), KC_RESULT_INVALID_ARGUMENT);
    CHECK_OK(kc_render_options_free(opts));
    /* The same through a JSON submission. */
    CHECK_OK(kc_render_options_new(&opts));
    CHECK_OK(kc_render_options_set_release_name(opts, "ext"));
    const char *json = "{\"task_ids\": [\"lungs\", \"liver\"], \"single_execution\": true}";
    CHECK_OK(kc_render_options_set_params_json(opts, json, strlen(json)));
    CHECK_OK(kc_render_options_set_platform_globals(opts, globals, strlen(globals)));
    CHECK_OK(kc_render_options_add_set(opts, KC_SET_KIND_SET, "global.mode=accurate"));
    check_render("extension.template", kc_render_template, engine, chart, opts);
    CHECK_RC(kc_render_options_set_params_json(opts, "[1]", 3), KC_RESULT_INVALID_ARGUMENT);
    CHECK_RC(kc_render_options_set_params_json(opts, "{", 1), KC_RESULT_JSON);
    CHECK_OK(kc_render_options_free(opts));

    CHECK_OK(kc_engine_free(engine));
    CHECK_OK(kc_chart_free(chart));
}

/* The Kaapana layer: a source tree, charts by name, the tree printed. */
static void test_source_tree(void) {
    char src[4096];
    path_of(src, sizeof src, root, "fixtures/kaapana/src");
    const char *roots[] = {src};
    kc_source *source = NULL;
    char *out = NULL;
    size_t len = 0;
    CHECK_OK(kc_source_scan(roots, 1, &source));

    /* The tree, as `kaapana-chart tree` prints it. */
    CHECK_OK(kc_source_tree(source, NULL, NULL, KC_TREE_FORMAT_TEXT, &out, &len));
    if (out) {
        char path[4096];
        path_of(path, sizeof path, expected, "tree.txt");
        check_same_as_file("tree.txt", out, len, path);
    }
    kc_string_free(out);
    CHECK_OK(kc_source_tree(source, "nnunet-workflow", "0.6.0", KC_TREE_FORMAT_JSON, &out, &len));
    if (out) {
        char path[4096];
        path_of(path, sizeof path, expected, "tree-nnunet.json");
        check_same_as_file("tree-nnunet.json", out, len, path);
    }
    kc_string_free(out);
    CHECK_RC(kc_source_tree(source, NULL, NULL, 7, &out, &len), KC_RESULT_INVALID_ARGUMENT);
    CHECK(kc_source_tree(source, "nope", NULL, KC_TREE_FORMAT_TEXT, &out, &len) != KC_RESULT_OK);
    CHECK(out == NULL);
    check_error_display("tree-nope.err");

    /* A chart by name, rendered with params, as `template --source`. */
    kc_chart *chart = NULL;
    CHECK_OK(kc_source_load_chart(source, "nnunet-workflow", "0.6.0", &chart));
    kc_engine *engine = new_engine();
    kc_render_options *opts = NULL;
    CHECK_OK(kc_render_options_new(&opts));
    CHECK_OK(kc_render_options_add_param(opts, "task_ids=lungs,liver"));
    check_render("nnunet.template", kc_render_template, engine, chart, opts);
    CHECK_OK(kc_chart_extension_params(chart, &out, &len));
    if (out) {
        char path[4096];
        path_of(path, sizeof path, expected, "nnunet.params.json");
        check_same_as_file("nnunet.params.json", out, len, path);
    }
    kc_string_free(out);
    CHECK_OK(kc_render_options_free(opts));
    CHECK_OK(kc_engine_free(engine));
    /* The chart outlives the tree it came from. */
    CHECK_OK(kc_source_free(source));
    CHECK_RC(kc_source_free(source), KC_RESULT_INVALID_HANDLE);
    CHECK_OK(kc_chart_extension_params(chart, &out, NULL));
    kc_string_free(out);
    CHECK_OK(kc_chart_free(chart));

    /* Errors. */
    CHECK_OK(kc_source_scan(roots, 1, &source));
    CHECK(kc_source_load_chart(source, "no-such-chart", NULL, &chart) != KC_RESULT_OK);
    CHECK(chart == NULL && strstr(last_message(), "no-such-chart") != NULL);
    CHECK_RC(kc_source_load_chart(source, NULL, NULL, &chart), KC_RESULT_NULL_ARGUMENT);
    CHECK_RC(kc_source_load_chart(source, "\xff", NULL, &chart), KC_RESULT_INVALID_UTF8);
    CHECK_RC(kc_source_load_chart(source, "nnunet-workflow", NULL, NULL), KC_RESULT_NULL_ARGUMENT);
    CHECK_RC(kc_source_load_chart((const kc_source *)engine, "x", NULL, &chart), KC_RESULT_INVALID_HANDLE);
    CHECK_RC(kc_source_tree(NULL, NULL, NULL, 0, &out, NULL), KC_RESULT_NULL_ARGUMENT);
    CHECK_OK(kc_source_free(source));
    const char *bad[] = {NULL};
    CHECK_RC(kc_source_scan(bad, 1, &source), KC_RESULT_NULL_ARGUMENT);
    CHECK_RC(kc_source_scan(NULL, 2, &source), KC_RESULT_NULL_ARGUMENT);
    const char *nonutf8[] = {"\xc3("};
    CHECK_RC(kc_source_scan(nonutf8, 1, &source), KC_RESULT_INVALID_UTF8);
    const char *missing[] = {"/nonexistent/kc-src"};
    CHECK(kc_source_scan(missing, 1, &source) != KC_RESULT_OK && source == NULL);
}

/* The upload check of image archives. */
static void test_upload_image(void) {
    static const struct {
        const char *file;
        kc_verdict verdict;
        const char *needle;
    } cases[] = {
        {"fixtures/uploads/images/docker-save-25.tar", KC_VERDICT_ACCEPTED,
         "\"registry.example.com/kaapana/totalsegmentator:2.4\""},
        {"fixtures/uploads/images/absolute-path.tar", KC_VERDICT_REJECTED,
         "\"rule\": \"image.absolute-path\""},
        {"fixtures/uploads/images/not-a-tar.tar", KC_VERDICT_REJECTED, "\"verdict\": \"rejected\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[4096];
        size_t len = 0, out_len = 0;
        char *out = NULL;
        kc_verdict v = KC_VERDICT_ACCEPTED;
        path_of(path, sizeof path, root, cases[i].file);
        char *bytes = read_file(path, &len);
        CHECK(bytes != NULL);
        CHECK_OK(kc_upload_check_image((const uint8_t *)bytes, len, &v, &out, &out_len));
        CHECK(v == cases[i].verdict);
        CHECK(out != NULL && strlen(out) == out_len && strstr(out, cases[i].needle) != NULL);
        if (out && !strstr(out, cases[i].needle)) {
            fprintf(stderr, "%s: %s\n", cases[i].file, out);
        }
        kc_string_free(out);
        /* The verdict alone. */
        v = KC_VERDICT_ACCEPTED;
        CHECK_OK(kc_upload_check_image((const uint8_t *)bytes, len, &v, NULL, NULL));
        CHECK(v == cases[i].verdict);
        free(bytes);
    }
    kc_verdict v = KC_VERDICT_ACCEPTED;
    CHECK_OK(kc_upload_check_image(NULL, 0, &v, NULL, NULL)); /* empty: rejected */
    CHECK(v == KC_VERDICT_REJECTED);
    CHECK_RC(kc_upload_check_image(NULL, 5, &v, NULL, NULL), KC_RESULT_NULL_ARGUMENT);
    CHECK(v == KC_VERDICT_REJECTED); /* fails closed */
}

/* The upload check as check-upload runs it: charts and images. */
static void check_upload_case(const char *name, const char *rel, const char *file_name,
                              const char *policy, kc_verdict want) {
    char path[4096];
    size_t len = 0, out_len = 0;
    char *out = NULL;
    kc_verdict v = want == KC_VERDICT_ACCEPTED ? KC_VERDICT_REJECTED : KC_VERDICT_ACCEPTED;
    path_of(path, sizeof path, root, rel);
    char *bytes = read_file(path, &len);
    CHECK(bytes != NULL);
    CHECK_OK(kc_upload_check((const uint8_t *)bytes, len, file_name, policy,
                             policy ? strlen(policy) : 0, &v, &out, &out_len));
    CHECK(v == want);
    if (out != NULL) {
        path_of(path, sizeof path, expected, name);
        check_same_as_file(name, out, out_len, path);
    }
    kc_string_free(out);
    free(bytes);
}

static void test_upload_check(void) {
    check_upload_case("up-kube-system.json", "fixtures/uploads/charts/f63-kube-system.tgz", NULL,
                      NULL, KC_VERDICT_REJECTED);
    check_upload_case("up-helpers.json", "fixtures/uploads/charts/f69-helpers-ignored.tgz", NULL,
                      "", KC_VERDICT_ACCEPTED);
    check_upload_case("up-truncated.json", "fixtures/uploads/charts/a03-truncated-gzip.tgz", NULL,
                      NULL, KC_VERDICT_REJECTED);
    const char *policy =
        "{\"admin_namespaces\": [\"admin\", \"services\"], \"release_namespace\": \"admin\","
        " \"globals\": {\"global\": {\"services_namespace\": \"services\"}},"
        " \"allow_cluster_kinds\": [\"ClusterRoleBinding.rbac.authorization.k8s.io\"]}";
    check_upload_case("up-values-policy.json", "fixtures/uploads/charts/f70-namespace-from-values.tgz",
                      NULL, policy, KC_VERDICT_REJECTED);
    check_upload_case("up-crb-allowed.json", "fixtures/uploads/charts/f64-cluster-role-binding.tgz",
                      NULL, policy, KC_VERDICT_ACCEPTED);
    check_upload_case("up-image.json", "fixtures/uploads/images/docker-save-25.tar",
                      "/uploads/docker-save-25.tar", NULL, KC_VERDICT_ACCEPTED);
    check_upload_case("up-image-hostile.json", "fixtures/uploads/images/docker-save-25.tar",
                      "x.tar; rm -rf ~", NULL, KC_VERDICT_REJECTED);

    /* Errors fail closed. */
    kc_verdict v = KC_VERDICT_ACCEPTED;
    char *out = NULL;
    CHECK_RC(kc_upload_check((const uint8_t *)"x", 1, NULL, "{bad", 4, &v, &out, NULL), KC_RESULT_JSON);
    CHECK(v == KC_VERDICT_REJECTED && out == NULL);
    v = KC_VERDICT_ACCEPTED;
    CHECK_RC(kc_upload_check((const uint8_t *)"x", 1, NULL, "{\"nope\": 1}", 11, &v, NULL, NULL),
             KC_RESULT_INVALID_ARGUMENT);
    CHECK(v == KC_VERDICT_REJECTED);
    CHECK_RC(kc_upload_check((const uint8_t *)"x", 1, NULL, "[1]", 3, &v, NULL, NULL),
             KC_RESULT_INVALID_ARGUMENT);
    CHECK_RC(kc_upload_check(NULL, 3, NULL, NULL, 0, &v, NULL, NULL), KC_RESULT_NULL_ARGUMENT);
    CHECK_RC(kc_upload_check((const uint8_t *)"x", 1, "\xff", NULL, 0, &v, NULL, NULL),
             KC_RESULT_INVALID_UTF8);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s REPO_ROOT EXPECTED_DIR\n", argv[0]);
        return 2;
    }
    root = argv[1];
    expected = argv[2];
    const char *r = getenv("KC_TEST_ROUNDS");
    int rounds = r ? atoi(r) : 20;

    test_version();
    test_same_as_cli();
    test_template_errors();
    test_bad_archives();
    test_invalid_utf8();
    test_null_and_handles();
    test_deterministic();
    test_extension_params();
    test_source_tree();
    test_upload_image();
    test_upload_check();
    test_threads(rounds);
    /* Every handle and string the tests made was freed. */
    CHECK(kc_live_objects() == 0);

    printf("test_kc: %d checks, %d failures\n", kc_checks, kc_failures);
    return kc_failures == 0 ? 0 : 1;
}
