#!/usr/bin/env python3
"""Renders a fixture chart through the C ABI with ctypes only (no packages).

    python3 kaapana-chart-ffi/examples/python/render.py [LIBRARY]

LIBRARY defaults to target/debug/libkaapana_chart_ffi.so. Run from anywhere;
fixtures are found relative to this file. Exits non-zero if anything is off,
so CI runs it as a test.
"""

import pathlib
import sys

import kaapana_chart as kc

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parents[2]


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else REPO / "target/debug/libkaapana_chart_ffi.so"
    lib = kc.Library(str(path))
    print(f"kaapana-chart {lib.version()}")

    webapp = REPO / "fixtures/charts/sprig-webapp"
    with lib.engine() as engine, lib.load_chart(webapp) as chart:
        manifests = engine.render_json(
            chart,
            values=(webapp / "values-dev.yaml").read_text(),
            sets=["replicaCount=4", (kc.SET_STRING, "image.tag=2.0")],
            release="demo", namespace="imaging")
        for name in sorted(manifests):
            print(f"  {name}: {len(manifests[name])} bytes")
        deployment = manifests["webapp/templates/deployment.yaml"]
        assert "replicas: 4" in deployment, deployment
        assert "example/web:2.0" in deployment, deployment

        stream = engine.render_template(chart, release="demo")
        assert stream.startswith("---\n# Source: "), stream[:80]

    # A Kaapana extension: its params, a submission checked, a render with it.
    with lib.engine() as engine, \
            lib.load_chart(REPO / "kaapana-chart-ffi/tests/charts/extension") as chart:
        declared = lib.extension_params(chart)["params"]
        print("  extension_params:", ", ".join(f"{p['key']} ({p['type']})" for p in declared))
        assert [p["key"] for p in declared] == ["task_ids", "single_execution", "mode"]
        submission = {"task_ids": ["lungs", "liver"], "single_execution": True}
        resolved = lib.validate_params(chart, submission)
        assert resolved == {"task_ids": "lungs,liver", "single_execution": True,
                            "mode": "fast"}, resolved
        try:
            lib.validate_params(chart, {"mode": "slow"})
        except kc.KcError as e:
            assert e.name == "invalid_argument", vars(e)
        else:
            raise AssertionError("mode=slow is not a choice")
        out = engine.render_json(chart, params=submission,
                                 platform_globals="global:\n  admin_namespace: admin\n")
        cm = out["demo-workflow/templates/configmap.yaml"]
        assert 'TASK_IDS: "lungs,liver"' in cm and "namespace: admin" in cm, cm

    # A chart by name from a Kaapana source tree, with params.
    with lib.scan_source(REPO / "fixtures/kaapana/src") as source:
        print("  tree:", source.tree().splitlines()[0], "...")
        assert source.tree(root="nnunet-workflow", as_json=True)["name"] == "nnunet-workflow"
        with lib.engine() as engine, source.load_chart("nnunet-workflow", "0.6.0") as chart:
            keys = [p["key"] for p in lib.extension_params(chart)["params"]]
            print("  nnunet-workflow params:", keys)
            out = engine.render_template(chart, params={"task_ids": ["lungs", "liver"]})
            assert "# Source: nnunet-workflow/templates/dag-configmap.yaml" in out, out[:200]

    # The upload check of an image archive.
    for name, want in [("docker-save-25.tar", "accepted"), ("absolute-path.tar", "rejected")]:
        verdict, report = lib.check_image_upload(
            (REPO / "fixtures/uploads/images" / name).read_bytes())
        rules = [f["rule"] for f in report["findings"]]
        print(f"  upload {name}: {verdict} {rules} {report['images']}")
        assert verdict == want == report["verdict"], report

    # The upload check of chart archives, with a platform policy.
    policy = {"admin_namespaces": ["admin"], "release_namespace": "admin"}
    for name, want in [("f63-kube-system.tgz", "rejected"), ("f69-helpers-ignored.tgz", "accepted")]:
        verdict, report = lib.check_upload(
            (REPO / "fixtures/uploads/charts" / name).read_bytes(), policy=policy)
        print(f"  upload {name}: {verdict} {[f['rule'] for f in report['findings']]}")
        assert verdict == want == report["verdict"], report
    verdict, report = lib.check_upload((REPO / "fixtures/uploads/images/docker-save-25.tar")
                                       .read_bytes(), file_name="x.tar; rm -rf ~")
    assert verdict == "rejected", report

    # A chart from archive bytes, e.g. an upload.
    tgz = (REPO / "fixtures/charts/nested-tgz/charts/mid-0.2.0.tgz").read_bytes()
    with lib.engine() as engine, lib.load_archive(tgz) as chart:
        assert engine.render_json(chart)

    # Errors carry Helm's message and the template location.
    with lib.engine() as engine, lib.load_chart(REPO / "fixtures/charts/nil-pointer-error") as chart:
        try:
            engine.render_template(chart)
        except kc.KcError as e:
            print(f"  expected error: {e.name} at {e.file}:{e.line}:{e.column}")
            assert e.name == "template_exec" and e.line == 6, vars(e)
        else:
            raise AssertionError("the render should fail")
    try:
        lib.load_archive(b"not a chart archive at all")
    except kc.KcError as e:
        assert e.message == "gzip: invalid header", e.message
    else:
        raise AssertionError("the archive should be refused")

    assert lib.kc_live_objects() == 0, "every handle and string was freed"
    print("ok")


if __name__ == "__main__":
    main()
