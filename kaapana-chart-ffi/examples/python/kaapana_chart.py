"""A thin Python binding of the kaapana-chart C ABI, with ctypes only.

    import kaapana_chart as kc
    lib = kc.Library("target/release/libkaapana_chart_ffi.so")
    with lib.engine() as engine, lib.load_chart("charts/web") as chart:
        manifests = engine.render_json(chart, values="replicaCount: 2\n",
                                       sets=["image.tag=1.2"])

Errors raise KcError with the library's result code, Helm's message and,
for template errors, the file, line and column.
"""

import ctypes
import json
from ctypes import (POINTER, c_bool, c_char_p, c_int, c_int64, c_size_t,
                    c_uint32, c_uint64, c_void_p)

OK = 0
SET, SET_STRING, SET_JSON, SET_LITERAL, SET_FILE = range(5)


class KcError(Exception):
    """A failed call: code (kc_result), name, message, file, line, column."""

    def __init__(self, code, name, message, display, file, line, column):
        super().__init__(message)
        self.code, self.name, self.message, self.display = code, name, message, display
        self.file, self.line, self.column = file, line, column


def _text(p):
    return None if p is None else p.decode("utf-8")


class Library:
    """The loaded shared library, with argument types declared once."""

    def __init__(self, path):
        lib = ctypes.CDLL(path)
        self._lib = lib
        res = c_int  # kc_result is a C enum: an int
        h = c_void_p  # every handle is opaque
        sigs = {
            "kc_version": ([], c_char_p),
            "kc_result_name": ([c_int], c_char_p),
            "kc_last_error_message": ([], c_char_p),
            "kc_last_error_display": ([], c_char_p),
            "kc_last_error_file": ([], c_char_p),
            "kc_last_error_line": ([], c_int64),
            "kc_last_error_column": ([], c_int64),
            "kc_live_objects": ([], c_size_t),
            "kc_engine_options_new": ([POINTER(h)], res),
            "kc_engine_options_free": ([h], res),
            "kc_engine_options_set_strict": ([h, c_bool], res),
            "kc_engine_options_set_deterministic": ([h, c_uint64, c_int64, c_uint32], res),
            "kc_engine_options_set_kube_version": ([h, c_char_p], res),
            "kc_engine_new": ([h, POINTER(h)], res),
            "kc_engine_free": ([h], res),
            "kc_chart_load_path": ([c_char_p, POINTER(h)], res),
            "kc_chart_load_archive": ([c_char_p, c_size_t, POINTER(h)], res),
            "kc_chart_free": ([h], res),
            "kc_render_options_new": ([POINTER(h)], res),
            "kc_render_options_free": ([h], res),
            "kc_render_options_add_values": ([h, c_char_p, c_size_t], res),
            "kc_render_options_add_set": ([h, c_uint32, c_char_p], res),
            "kc_render_options_set_release_name": ([h, c_char_p], res),
            "kc_render_options_set_namespace": ([h, c_char_p], res),
            # char **out is declared as void** so that ctypes hands us the
            # raw pointer (c_char_p would copy and lose it: no way to free).
            "kc_render_json": ([h, h, h, POINTER(c_void_p), POINTER(c_size_t)], res),
            "kc_render_template": ([h, h, h, POINTER(c_void_p), POINTER(c_size_t)], res),
            "kc_string_free": ([c_void_p], res),
            "kc_render_options_add_param": ([h, c_char_p], res),
            "kc_render_options_set_params_json": ([h, c_char_p, c_size_t], res),
            "kc_render_options_set_platform_globals": ([h, c_char_p, c_size_t], res),
            "kc_chart_extension_params": ([h, POINTER(c_void_p), POINTER(c_size_t)], res),
            "kc_chart_validate_params": ([h, c_char_p, c_size_t, POINTER(c_void_p),
                                          POINTER(c_size_t)], res),
            "kc_source_scan": ([POINTER(c_char_p), c_size_t, POINTER(h)], res),
            "kc_source_free": ([h], res),
            "kc_source_load_chart": ([h, c_char_p, c_char_p, POINTER(h)], res),
            "kc_source_tree": ([h, c_char_p, c_char_p, c_uint32, POINTER(c_void_p),
                                POINTER(c_size_t)], res),
            "kc_upload_check": ([c_char_p, c_size_t, c_char_p, c_char_p, c_size_t, POINTER(c_int),
                                 POINTER(c_void_p), POINTER(c_size_t)], res),
            "kc_upload_check_image": ([c_char_p, c_size_t, POINTER(c_int), POINTER(c_void_p),
                                       POINTER(c_size_t)], res),
        }
        for name, (args, ret) in sigs.items():
            f = getattr(lib, name)
            f.argtypes, f.restype = args, ret

    def __getattr__(self, name):
        return getattr(self._lib, name)

    def version(self):
        return _text(self._lib.kc_version())

    def check(self, code):
        """Raises the calling thread's last error if code is not OK."""
        if code == OK:
            return
        lib = self._lib
        raise KcError(code, _text(lib.kc_result_name(code)), _text(lib.kc_last_error_message()),
                      _text(lib.kc_last_error_display()), _text(lib.kc_last_error_file()),
                      lib.kc_last_error_line(), lib.kc_last_error_column())

    def take_string(self, ptr, length):
        """Copies a returned string and frees the library's buffer."""
        try:
            return ctypes.string_at(ptr, length).decode("utf-8")
        finally:
            self.check(self._lib.kc_string_free(ptr))

    def engine(self, strict=False, seed=None, now=0, kube_version=None):
        opts = c_void_p()
        self.check(self._lib.kc_engine_options_new(ctypes.byref(opts)))
        try:
            self.check(self._lib.kc_engine_options_set_strict(opts, strict))
            if seed is not None:
                self.check(self._lib.kc_engine_options_set_deterministic(opts, seed, now, 0))
            if kube_version is not None:
                self.check(self._lib.kc_engine_options_set_kube_version(opts, kube_version.encode()))
            handle = c_void_p()
            self.check(self._lib.kc_engine_new(opts, ctypes.byref(handle)))
        finally:
            self._lib.kc_engine_options_free(opts)
        return Engine(self, handle)

    def _string_call(self, fn, *args):
        out, length = c_void_p(), c_size_t()
        self.check(fn(*args, ctypes.byref(out), ctypes.byref(length)))
        return self.take_string(out, length.value)

    def extension_params(self, chart):
        """The chart's extension_params, in the order of its values.yaml."""
        return json.loads(self._string_call(self._lib.kc_chart_extension_params, chart.handle))

    def validate_params(self, chart, submission):
        """Checks a submission (a dict); returns what templates will see."""
        raw = json.dumps(submission).encode("utf-8")
        return json.loads(self._string_call(self._lib.kc_chart_validate_params, chart.handle,
                                            raw, len(raw)))

    def check_image_upload(self, data):
        """(verdict, report) of an uploaded image archive (bytes)."""
        verdict = c_int()
        text = self._string_call(self._lib.kc_upload_check_image, data, len(data),
                                 ctypes.byref(verdict))
        return ("accepted", "rejected")[verdict.value], json.loads(text)

    def scan_source(self, *roots):
        """A scanned Kaapana source tree (charts found by name)."""
        arr = (c_char_p * len(roots))(*[str(r).encode() for r in roots])
        handle = c_void_p()
        self.check(self._lib.kc_source_scan(arr, len(roots), ctypes.byref(handle)))
        return Source(self, handle)

    def check_upload(self, data, file_name=None, policy=None):
        """(verdict, report) of an upload (a chart .tgz or an image .tar),
        as `kaapana-chart check-upload FILE --output json` reports it."""
        verdict = c_int()
        pol = b"" if policy is None else json.dumps(policy).encode("utf-8")
        name = None if file_name is None else file_name.encode("utf-8")
        text = self._string_call(self._lib.kc_upload_check, data, len(data), name, pol, len(pol),
                                 ctypes.byref(verdict))
        return ("accepted", "rejected")[verdict.value], json.loads(text)

    def load_chart(self, path):
        handle = c_void_p()
        self.check(self._lib.kc_chart_load_path(str(path).encode(), ctypes.byref(handle)))
        return Handle(self, handle, self._lib.kc_chart_free)

    def load_archive(self, data):
        handle = c_void_p()
        self.check(self._lib.kc_chart_load_archive(data, len(data), ctypes.byref(handle)))
        return Handle(self, handle, self._lib.kc_chart_free)


class Handle:
    """Owns one handle; frees it on close() or at the end of a with block."""

    def __init__(self, lib, handle, free):
        self.lib, self.handle, self._free = lib, handle, free

    def close(self):
        if self.handle:
            self.lib.check(self._free(self.handle))
            self.handle = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Source(Handle):
    def __init__(self, lib, handle):
        super().__init__(lib, handle, lib.kc_source_free)

    def load_chart(self, name, version=None):
        """The chart `name`, its dependencies resolved from the tree."""
        handle = c_void_p()
        v = None if version is None else version.encode()
        self.lib.check(self.lib.kc_source_load_chart(self.handle, name.encode(), v,
                                                     ctypes.byref(handle)))
        return Handle(self.lib, handle, self.lib.kc_chart_free)

    def tree(self, root=None, version=None, as_json=False):
        """The resolved chart tree, as `kaapana-chart tree` prints it."""
        r = None if root is None else root.encode()
        v = None if version is None else version.encode()
        text = self.lib._string_call(self.lib.kc_source_tree, self.handle, r, v, int(as_json))
        return json.loads(text) if as_json else text


class Engine(Handle):
    def __init__(self, lib, handle):
        super().__init__(lib, handle, lib.kc_engine_free)

    def _options(self, values, sets, release, namespace, extra):
        lib = self.lib
        opts = c_void_p()
        lib.check(lib.kc_render_options_new(ctypes.byref(opts)))
        try:
            for text in ([values] if isinstance(values, str) else values or []):
                raw = text.encode("utf-8")
                lib.check(lib.kc_render_options_add_values(opts, raw, len(raw)))
            for item in sets or []:
                kind, expr = item if isinstance(item, tuple) else (SET, item)
                lib.check(lib.kc_render_options_add_set(opts, kind, expr.encode("utf-8")))
            lib.check(lib.kc_render_options_set_release_name(opts, release.encode()))
            lib.check(lib.kc_render_options_set_namespace(opts, namespace.encode()))
            if extra:
                extra(opts)
        except BaseException:
            lib.kc_render_options_free(opts)
            raise
        return opts

    def _render(self, fn, chart, values, sets, release, namespace, extra=None):
        lib = self.lib
        opts = self._options(values, sets, release, namespace, extra)
        try:
            out, length = c_void_p(), c_size_t()
            lib.check(fn(self.handle, chart.handle, opts, ctypes.byref(out), ctypes.byref(length)))
            return lib.take_string(out, length.value)
        finally:
            lib.kc_render_options_free(opts)

    @staticmethod
    def _params_layer(lib, params, platform_globals):
        """The extension params layer (params: a dict as the UI posts it)."""
        if params is None:
            return None

        def extra(opts):
            raw = json.dumps(params).encode("utf-8")
            lib.check(lib.kc_render_options_set_params_json(opts, raw, len(raw)))
            if platform_globals is not None:
                g = platform_globals.encode("utf-8")
                lib.check(lib.kc_render_options_set_platform_globals(opts, g, len(g)))
        return extra

    def render_json(self, chart, values=None, sets=None, release="release-name",
                    namespace="default", params=None, platform_globals=None):
        """{path: manifest} of every template (kc_render_json)."""
        extra = self._params_layer(self.lib, params, platform_globals)
        text = self._render(self.lib.kc_render_json, chart, values, sets, release, namespace,
                            extra)
        return json.loads(text)["manifests"]

    def render_template(self, chart, values=None, sets=None, release="release-name",
                        namespace="default", params=None, platform_globals=None):
        """The `helm template` stream (kc_render_template)."""
        extra = self._params_layer(self.lib, params, platform_globals)
        return self._render(self.lib.kc_render_template, chart, values, sets, release,
                            namespace, extra)
