use super::*;
use crate::values_from_yaml;

fn params(yaml: &str) -> ExtensionParams {
    match ExtensionParams::from_values(&values_from_yaml(yaml).unwrap()) {
        Ok(p) => p,
        Err(e) => panic!("{e}"),
    }
}

fn parse_err(yaml: &str) -> String {
    ExtensionParams::from_values(&values_from_yaml(yaml).unwrap())
        .unwrap_err()
        .to_string()
}

/// The shape of the fixture workflows and applications.
const FIXTURE: &str = "\
global:
  image: jupyterlab
  port: 8080
  empty: \"\"
  vols:
    - name: a
extension_params:
  minio_prefix:
    type: string
    default: \"\"
    definition: Minio prefix
  launch_mode:
    type: list_single
    default: default
    value: [\"default\", \"debug\"]
    definition: Launch mode
  task_ids:
    type: list_multi
    default: [\"total\"]
    value: [\"total\", \"lungs\", \"liver\"]
    help: Which tasks to run
  single_execution:
    type: boolean
    default: false
  doc:
    type: doc
    definition: Documentation
  group:
    type: group_name
    definition: Advanced
";

#[test]
fn parses_every_type() {
    let p = params(FIXTURE);
    assert_eq!(p.params().len(), 6);
    assert!(!p.is_empty());
    assert_eq!(
        p.get("minio_prefix").unwrap().kind,
        ParamKind::String {
            default: Some(String::new())
        }
    );
    assert_eq!(
        p.get("single_execution").unwrap().kind,
        ParamKind::Bool {
            default: Some(false)
        }
    );
    assert_eq!(p.get("single_execution").unwrap().type_name, "boolean");
    assert_eq!(
        p.get("task_ids").unwrap().kind,
        ParamKind::ListMulti {
            choices: vec!["total".into(), "lungs".into(), "liver".into()],
            default: Some(vec!["total".into()])
        }
    );
    assert_eq!(
        p.get("task_ids").unwrap().help.as_deref(),
        Some("Which tasks to run")
    );
    assert_eq!(p.get("doc").unwrap().kind, ParamKind::Doc);
    assert_eq!(p.get("group").unwrap().kind, ParamKind::GroupName);
}

#[test]
fn missing_or_null_block_is_empty() {
    assert!(params("a: 1\n").is_empty());
    assert!(params("extension_params:\n").is_empty());
    assert!(params("extension_params: null\n").params().is_empty());
}

#[test]
fn malformed_declarations_are_named() {
    let cases = [
        (
            "extension_params: [a]\n",
            "extension_params must be a map of parameters, not []interface {}",
        ),
        (
            "extension_params:\n  x: 1\n",
            "extension_params.x: a parameter must be a map with a `type`, not float64",
        ),
        (
            "extension_params:\n  x: {default: 1}\n",
            "extension_params.x: has no `type`",
        ),
        (
            "extension_params:\n  x: {type: 5}\n",
            "extension_params.x: `type` must be a string, not float64",
        ),
        (
            "extension_params:\n  x: {type: single_selectable}\n",
            "extension_params.x: unknown type \"single_selectable\"",
        ),
        (
            "extension_params:\n  x: {type: list_single}\n",
            "extension_params.x: a list parameter needs its choices as a non-empty list in `value`",
        ),
        (
            "extension_params:\n  x: {type: list_multi, value: []}\n",
            "needs its choices",
        ),
        (
            "extension_params:\n  x: {type: list_multi, value: a}\n",
            "`value` (the choices) must be a list, not string",
        ),
        (
            "extension_params:\n  x: {type: list_single, value: [1, 2]}\n",
            "every choice must be a string, not float64",
        ),
        (
            "extension_params:\n  x: {type: list_single, value: [a, a]}\n",
            "choice \"a\" is listed twice",
        ),
        (
            "extension_params:\n  x: {type: list_multi, value: [\"a,b\"]}\n",
            "contains ','",
        ),
        (
            "extension_params:\n  x: {type: list_single, value: [a, b], default: c}\n",
            "extension_params.x: default \"c\" is not among the choices (a, b)",
        ),
        (
            "extension_params:\n  x: {type: list_single, value: [a], default: [a]}\n",
            "must be one of its choices, not []interface {}",
        ),
        (
            "extension_params:\n  x: {type: list_multi, value: [a, b], default: [c]}\n",
            "extension_params.x: default: \"c\" is not among the choices (a, b)",
        ),
        (
            "extension_params:\n  x: {type: list_multi, value: [a, b], default: 3}\n",
            "default: expected a list of choices or one comma-separated string, not float64",
        ),
        (
            "extension_params:\n  x: {type: bool, default: \"true\"}\n",
            "the default of a bool parameter must be true or false, not string",
        ),
        (
            "extension_params:\n  x: {type: string, default: 5}\n",
            "the default of a string parameter must be a string, not float64",
        ),
        (
            "extension_params:\n  x: {type: string, default: \"a;b\"}\n",
            "contains ';'",
        ),
        (
            "extension_params:\n  x: {type: list_single, value: [\"a;b\"]}\n",
            "contains ';'",
        ),
        (
            "extension_params:\n  x: {type: string, required: \"yes\"}\n",
            "`required` must be true or false, not string",
        ),
        (
            "extension_params:\n  x: {type: doc, required: true}\n",
            "a doc entry takes no value and cannot be required",
        ),
        (
            "extension_params:\n  x: {type: string, definition: [a]}\n",
            "`definition` must be a string",
        ),
        (
            "extension_params:\n  \"a.b\": {type: string}\n",
            "key \"a.b\" may only contain letters, digits",
        ),
        (
            "extension_params:\n  \"a;b\": {type: string}\n",
            "may only contain",
        ),
        (
            "suffix_param_key: nope\nextension_params:\n  x: {type: string}\n",
            "suffix_param_key \"nope\" must name a declared string or list_single parameter",
        ),
        (
            "suffix_param_key: x\nextension_params:\n  x: {type: bool}\n",
            "must name a declared string or list_single",
        ),
        (
            "suffix_param_key: [x]\n",
            "suffix_param_key must be a string",
        ),
    ];
    for (yaml, want) in cases {
        let got = parse_err(yaml);
        assert!(got.contains(want), "{yaml:?}: {got}");
    }
}

#[test]
fn list_multi_default_may_be_a_comma_string() {
    let p =
        params("extension_params:\n  x: {type: list_multi, value: [a, b], default: \"b, a\"}\n");
    assert_eq!(
        p.params()[0].kind,
        ParamKind::ListMulti {
            choices: vec!["a".into(), "b".into()],
            default: Some(vec!["b".into(), "a".into()])
        }
    );
}

#[test]
fn limit_on_params_each_side() {
    let block = |n: usize| {
        let mut s = String::from("extension_params:\n");
        for i in 0..n {
            s.push_str(&format!("  p{i}: {{type: doc}}\n"));
        }
        s
    };
    assert_eq!(
        params(&block(MAX_EXTENSION_PARAMS)).params().len(),
        MAX_EXTENSION_PARAMS
    );
    let err =
        ExtensionParams::from_values(&values_from_yaml(&block(MAX_EXTENSION_PARAMS + 1)).unwrap())
            .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::LimitExceeded);
}

fn choices_yaml(kind: &str, n: usize) -> String {
    let list: Vec<String> = (0..n).map(|i| format!("c{i}")).collect();
    format!(
        "extension_params:\n  x: {{type: {kind}, value: [{}]}}\n",
        list.join(", ")
    )
}

#[test]
fn limit_on_choices_each_side() {
    assert!(ExtensionParams::from_values(
        &values_from_yaml(&choices_yaml("list_multi", MAX_PARAM_CHOICES)).unwrap()
    )
    .is_ok());
    let err = ExtensionParams::from_values(
        &values_from_yaml(&choices_yaml("list_multi", MAX_PARAM_CHOICES + 1)).unwrap(),
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::LimitExceeded);
}

#[test]
fn limit_on_variants_each_side() {
    // One list_single with n choices needs 1 + n variants.
    let ok = choices_yaml("list_single", MAX_VARIANTS - 1);
    let p = params(&ok);
    assert_eq!(p.variants().len(), MAX_VARIANTS - 1); // the default is choice 0
    let err = ExtensionParams::from_values(
        &values_from_yaml(&choices_yaml("list_single", MAX_VARIANTS)).unwrap(),
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::LimitExceeded);
    assert!(err.to_string().contains("variants"), "{err}");
}

#[test]
fn limit_on_key_length_each_side() {
    let key = "k".repeat(MAX_PARAM_KEY_LEN);
    assert!(
        params(&format!("extension_params:\n  {key}: {{type: string}}\n"))
            .get(&key)
            .is_some()
    );
    let key = "k".repeat(MAX_PARAM_KEY_LEN + 1);
    assert!(
        parse_err(&format!("extension_params:\n  {key}: {{type: string}}\n"))
            .contains("must be 1 to")
    );
}

#[test]
fn limit_on_value_length_each_side() {
    let p = params("extension_params:\n  s: {type: string}\n");
    let ok = "v".repeat(MAX_PARAM_VALUE_LEN);
    assert!(p.resolve(&Submission::new().with("s", ok.as_str())).is_ok());
    let long = "v".repeat(MAX_PARAM_VALUE_LEN + 1);
    let err = p
        .resolve(&Submission::new().with("s", long.as_str()))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::LimitExceeded);
    let err = parse_err(&format!(
        "extension_params:\n  s: {{type: string, default: {long}}}\n"
    ));
    assert!(err.contains("longer than the limit"), "{err}");
}

#[test]
fn resolve_fills_defaults_in_template_form() {
    let p = params(FIXTURE);
    let r = p.resolve(&Submission::new()).unwrap();
    assert_eq!(r["minio_prefix"], Value::from(""));
    assert_eq!(r["launch_mode"], Value::from("default"));
    assert_eq!(r["task_ids"], Value::from("total"));
    assert_eq!(r["single_execution"], Value::Bool(false));
    assert!(!r.contains_key("doc"));
    assert_eq!(r.len(), 4);
}

#[test]
fn resolve_checks_submissions() {
    let p = params(FIXTURE);
    let err = |s: Submission| p.resolve(&s).unwrap_err().to_string();
    assert!(
        err(Submission::new().with("launch_mode", "other")).contains(
            "parameter \"launch_mode\": \"other\" is not among the choices (default, debug)"
        )
    );
    assert!(err(Submission::new().with("launch_mode", true))
        .contains("expects one of its choices as a string, not bool"));
    assert!(err(Submission::new().with("task_ids", "total,kidney"))
        .contains("\"kidney\" is not among the choices"));
    assert!(err(Submission::new().with("task_ids", "total,total")).contains("selected twice"));
    assert!(
        err(Submission::new().with("task_ids", Value::list(vec![Value::Float(1.0)])))
            .contains("every selected item must be a string, not float64")
    );
    assert!(err(Submission::new().with("single_execution", "yes"))
        .contains("expects true or false, not \"yes\""));
    assert!(
        err(Submission::new().with("single_execution", Value::Float(1.0)))
            .contains("expects true or false, not float64")
    );
    assert!(
        err(Submission::new().with("minio_prefix", Value::Float(1.0)))
            .contains("expects a string, not float64")
    );
    assert!(err(Submission::new().with("minio_prefix", "a;rm -rf /")).contains("contains ';'"));
    assert!(
        err(Submission::new().with("task_ids", Value::list(vec!["a;b".into()])))
            .contains("contains ';'")
    );
    assert!(err(Submission::new().with("nope", "x")).contains(
        "parameter \"nope\" is not declared by the chart (declared: launch_mode, minio_prefix, single_execution, task_ids)"
    ));
    assert!(err(Submission::new().with("doc", "x"))
        .contains("is a doc entry for the UI and takes no value"));
    // Bools from the command line or a --set 'True'.
    let r = p
        .resolve(&Submission::new().with("single_execution", "True"))
        .unwrap();
    assert_eq!(r["single_execution"], Value::Bool(true));
}

#[test]
fn both_list_multi_forms_give_the_comma_string() {
    let p = params(FIXTURE);
    let from_list = p
        .resolve(&Submission::new().with(
            "task_ids",
            Value::list(vec!["liver".into(), "total".into()]),
        ))
        .unwrap();
    let from_string = p
        .resolve(&Submission::new().with("task_ids", "liver, total"))
        .unwrap();
    assert_eq!(from_list["task_ids"], Value::from("liver,total"));
    assert_eq!(from_string, from_list);
    let none = p.resolve(&Submission::new().with("task_ids", "")).unwrap();
    assert_eq!(none["task_ids"], Value::from(""));
    let none = p
        .resolve(&Submission::new().with("task_ids", Value::list(vec![])))
        .unwrap();
    assert_eq!(none["task_ids"], Value::from(""));
}

#[test]
fn required_params() {
    let p = params(
        "extension_params:\n  s: {type: string, required: true}\n  m: {type: list_multi, value: [a], required: true}\n  l: {type: list_single, value: [a], required: true}\n  b: {type: bool, required: true}\n",
    );
    let full = Submission::new()
        .with("s", "x")
        .with("m", "a")
        .with("l", "a")
        .with("b", false);
    assert!(p.resolve(&full).is_ok());
    for (key, empty) in [
        ("s", Some("")),
        ("m", Some("")),
        ("s", None),
        ("m", None),
        ("l", None),
        ("b", None),
    ] {
        let mut sub = full.clone();
        match empty {
            Some(e) => sub.insert(key, e),
            None => {
                sub.values.remove(key);
            }
        }
        let err = p.resolve(&sub).unwrap_err().to_string();
        assert!(
            err.contains(&format!("parameter {key:?} is required")),
            "{key}: {err}"
        );
    }
    // An optional parameter without a default is left out.
    let p =
        params("extension_params:\n  s: {type: string}\n  l: {type: list_single, value: [a]}\n");
    assert!(p.resolve(&Submission::new()).unwrap().is_empty());
}

#[test]
fn values_for_layers_platform_chart_and_user() {
    let chart = values_from_yaml(
        "global:\n  image: own\n  launch_mode: from-chart\n  port: 8080\n  empty: \"\"\n  vols: [{name: a}]\nextension_params:\n  launch_mode: {type: list_single, value: [default, debug], default: default}\n",
    )
    .unwrap();
    let p = ExtensionParams::from_values(&chart).unwrap();
    let globals = values_from_yaml(
        "global:\n  admin_namespace: admin\n  image: platform\n  port: 1\n  empty: platform\n  preinstall_extensions: [x]\n  kaapana_collections: [y]\nmigration-chart:\n  enabled: false\n",
    )
    .unwrap();
    let user = p
        .values_for(&Submission::new().with("launch_mode", "debug"), &globals)
        .unwrap();
    let keys: Vec<_> = user.as_map().unwrap().keys();
    assert_eq!(keys.len(), 1, "only `global` is passed on");
    let g = user.get("global").unwrap();
    assert_eq!(g.get("admin_namespace"), Some(Value::from("admin")));
    // The chart's non-empty string/list globals beat the platform's (as
    // Kaapana passes them again with --set) ...
    assert_eq!(g.get("image"), Some(Value::from("own")));
    assert_eq!(g.get("vols").unwrap().as_list().unwrap().len(), 1);
    // ... its other globals do not.
    assert_eq!(g.get("port"), Some(Value::Float(1.0)));
    assert_eq!(g.get("empty"), Some(Value::from("platform")));
    // The user's choice beats the chart's own global (Kaapana: the reverse).
    assert_eq!(g.get("launch_mode"), Some(Value::from("debug")));
    assert_eq!(g.get("preinstall_extensions"), None);
    assert_eq!(g.get("kaapana_collections"), None);
    // The globals themselves, without a `global:` wrapper.
    let bare = values_from_yaml("admin_namespace: admin\n").unwrap();
    let user = p.values_for(&Submission::new(), &bare).unwrap();
    assert_eq!(
        user.get("global").unwrap().get("admin_namespace"),
        Some(Value::from("admin"))
    );
    // The caller's globals are not changed.
    assert!(globals
        .get("global")
        .unwrap()
        .get("preinstall_extensions")
        .is_some());
    // Bad globals.
    assert!(p.values_for(&Submission::new(), &Value::from("x")).is_err());
    let bad = values_from_yaml("global: 3\n").unwrap();
    assert!(p.values_for(&Submission::new(), &bad).is_err());
}

#[test]
fn variants_cover_each_choice_once() {
    let p = params(FIXTURE);
    let labels: Vec<String> = p.variants().into_iter().map(|v| v.label).collect();
    assert_eq!(
        labels,
        [
            "defaults",
            "global.launch_mode=debug",
            "global.minio_prefix=placeholder",
            "global.single_execution=true",
            "global.task_ids=total,lungs,liver",
            "global.task_ids=",
        ]
    );
    for v in p.variants() {
        assert!(
            p.values_for(&v.submission, &Value::Nil).is_ok(),
            "{}",
            v.label
        );
    }
}

#[test]
fn variants_give_required_params_without_defaults_a_value() {
    let p = params(
        "extension_params:\n  s: {type: string, required: true}\n  l: {type: list_single, value: [a, b]}\n  m: {type: list_multi, value: [a, b], required: true}\n  b: {type: bool}\n",
    );
    let v = p.variants();
    assert_eq!(v[0].label, "defaults");
    assert_eq!(v[0].submission.get("s"), Some(&Value::from(PLACEHOLDER)));
    assert_eq!(v[0].submission.get("l"), Some(&Value::from("a")));
    assert_eq!(v[0].submission.get("m"), Some(&Value::from("a")));
    assert_eq!(v[0].submission.get("b"), Some(&Value::Bool(false)));
    let labels: Vec<&str> = v.iter().map(|v| v.label.as_str()).collect();
    assert_eq!(
        labels,
        ["defaults", "global.b=true", "global.l=b", "global.m=a,b"]
    );
}

#[test]
fn declared_order_from_the_file() {
    let text = "a: 1\nextension_params:  # params\n  zeta:\n    type: string\n\n  # comment\n  \"alpha\":\n    type: bool\n    definition: \"x: y\"\n  mid: {type: doc}\nafter:\n  other: 1\n";
    assert_eq!(declared_order(text), ["zeta", "alpha", "mid"]);
    assert!(declared_order("extension_params: {a: {type: doc}}\n").is_empty());
    assert!(declared_order("x: 1\n").is_empty());
    let mut chart = Chart {
        values: values_from_yaml(text).unwrap(),
        ..Chart::default()
    };
    chart.raw.push(crate::chart::File {
        name: "values.yaml".into(),
        data: text.as_bytes().into(),
    });
    let keys: Vec<String> = ExtensionParams::from_chart(&chart)
        .unwrap()
        .params()
        .iter()
        .map(|p| p.key.clone())
        .collect();
    assert_eq!(keys, ["zeta", "alpha", "mid"]);
}

#[test]
fn submission_sources() {
    assert_eq!(
        Submission::from_params(["a=b=c"]).unwrap().get("a"),
        Some(&Value::from("b=c"))
    );
    assert_eq!(
        Submission::from_params(["a="]).unwrap().get("a"),
        Some(&Value::from(""))
    );
    assert!(Submission::from_params(["a"]).is_err());
    assert!(Submission::from_json("{").is_err());
    let s: Submission = [("a", "b")].into_iter().collect();
    assert_eq!(s.to_value().get("a"), Some(Value::from("b")));
    assert!(Submission::from_value(&Value::Nil).unwrap().is_empty());
}

#[test]
fn table_lists_every_param() {
    let t = table(&params(FIXTURE));
    let lines: Vec<&str> = t.lines().collect();
    assert_eq!(lines.len(), 7);
    assert!(lines[0].starts_with("KEY"));
    assert!(lines
        .iter()
        .any(|l| l.starts_with("task_ids") && l.contains("total,lungs,liver")));
}

#[test]
fn shadowed_globals_name_what_the_chart_replaces() {
    let p = params(
        "global:\n  label: x\n  empty: \"\"\n  flag: true\nextension_params:\n  admin_namespace: {type: string}\n  d: {type: doc}\n",
    );
    let globals = values_from_yaml(
        "global:\n  label: y\n  empty: z\n  flag: false\n  admin_namespace: admin\n  d: 1\n  preinstall_extensions: []\n",
    )
    .unwrap();
    assert_eq!(
        p.shadowed_globals(&globals).unwrap(),
        ["admin_namespace", "label"]
    );
    assert!(p.shadowed_globals(&Value::Nil).unwrap().is_empty());
    assert!(p.shadowed_globals(&Value::from("x")).is_err());
}
