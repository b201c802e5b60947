// A short C++ example: RAII owners for the C handles, one render.
//
//   c++ -std=c++17 render.cpp $(pkg-config --cflags --libs kaapana-chart)
//   ./a.out fixtures/charts/sprig-webapp
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>

#include "kaapana_chart.h"

namespace kc {

// Throws the calling thread's last error.
[[noreturn]] void fail(kc_result rc) {
    const char *msg = kc_last_error_message();
    throw std::runtime_error(std::string(kc_result_name(rc)) + ": " + (msg ? msg : ""));
}

void check(kc_result rc) {
    if (rc != KC_RESULT_OK) fail(rc);
}

template <typename T, kc_result (*Free)(T *)>
struct Deleter {
    void operator()(T *p) const { Free(p); }
};
using Engine = std::unique_ptr<kc_engine, Deleter<kc_engine, kc_engine_free>>;
using Chart = std::unique_ptr<kc_chart, Deleter<kc_chart, kc_chart_free>>;
using RenderOptions =
    std::unique_ptr<kc_render_options, Deleter<kc_render_options, kc_render_options_free>>;

// Copies a returned string into a std::string and frees it.
std::string take(char *s, size_t len) {
    std::string out(s, len);
    kc_string_free(s);
    return out;
}

}  // namespace kc

int main(int argc, char **argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s CHART\n", argv[0]);
        return 2;
    }
    try {
        kc_engine *e = nullptr;
        kc::check(kc_engine_new(nullptr, &e));
        kc::Engine engine(e);

        kc_chart *c = nullptr;
        kc::check(kc_chart_load_path(argv[1], &c));
        kc::Chart chart(c);

        kc_render_options *o = nullptr;
        kc::check(kc_render_options_new(&o));
        kc::RenderOptions opts(o);
        kc::check(kc_render_options_set_release_name(opts.get(), "demo"));
        kc::check(kc_render_options_add_set(opts.get(), KC_SET_KIND_SET, "replicaCount=3"));

        char *out = nullptr;
        size_t len = 0;
        kc::check(kc_render_template(engine.get(), chart.get(), opts.get(), &out, &len));
        std::string manifests = kc::take(out, len);
        std::fwrite(manifests.data(), 1, manifests.size(), stdout);
    } catch (const std::exception &e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
    return 0;
}
