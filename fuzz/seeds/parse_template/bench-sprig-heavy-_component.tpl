{{/*
Per-component helpers. A component's effective values are the chart's
defaults overwritten by the component's own values: dict "name" "context".
*/}}

{{- define "suite.component.values" -}}
{{- $own := get .context.Values.components .name | default (dict) -}}
{{- $values := mergeOverwrite (deepCopy .context.Values.defaults) (deepCopy $own) -}}
{{- $_ := set $values "name" .name -}}
{{- $_ := set $values "image" (merge (default (dict) $own.image) (deepCopy .context.Values.image)) -}}
{{- $_ := set $values "extraEnv" (merge (default (dict) $own.extraEnv) .context.Values.defaults.extraEnv) -}}
{{- toJson $values -}}
{{- end -}}

{{- define "suite.component.fullname" -}}
{{- include "common.names.dependency.fullname" (dict "name" .name "context" .context) -}}
{{- end -}}

{{- define "suite.component.labels" -}}
{{- include "common.labels.standard" (dict "customLabels" .context.Values.commonLabels "context" .context "component" .name) -}}
{{- end -}}

{{- define "suite.component.matchLabels" -}}
{{- include "common.labels.matchLabels" (dict "customLabels" .context.Values.commonLabels "context" .context "component" .name) -}}
{{- end -}}

{{- define "suite.component.serviceAccountName" -}}
{{- printf "%s-sa" (include "suite.component.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The component's config file as YAML: dict "values" "context". */}}
{{- define "suite.component.config" -}}
{{- $cfg := deepCopy (default (dict) .values.config) -}}
{{- $_ := set $cfg "component" .values.name -}}
{{- $_ := set $cfg "logLevel" (.values.logLevel | upper) -}}
{{- $deps := list -}}
{{- range (default (list) .values.dependsOn) -}}
{{- $deps = append $deps (include "suite.component.fullname" (dict "name" . "context" $.context)) -}}
{{- end -}}
{{- $_ := set $cfg "dependsOn" ($deps | uniq | sortAlpha) -}}
{{- if hasKey $cfg "features" -}}
{{- $_ := set $cfg "features" ($cfg.features | uniq | sortAlpha) -}}
{{- end -}}
{{- if hasKey $cfg "collectors" -}}
{{- $_ := set $cfg "collectors" (uniq $cfg.collectors) -}}
{{- end -}}
{{- include "common.tplvalues.render" (dict "value" $cfg "context" .context) -}}
{{- end -}}

{{/* Environment variables: dict "values" "context". */}}
{{- define "suite.component.env" -}}
- name: SUITE_COMPONENT
  value: {{ .values.name | quote }}
- name: SUITE_LOG_LEVEL
  value: {{ .values.logLevel | upper | quote }}
- name: SUITE_NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
{{- range $key, $value := .values.extraEnv }}
- name: {{ $key | upper | replace "-" "_" | quote }}
  value: {{ include "common.tplvalues.render" (dict "value" (toString $value) "context" $.context) | quote }}
{{- end }}
{{- range $key, $_ := default (dict) .values.secrets }}
- name: {{ printf "SUITE_%s" ($key | snakecase | upper) | quote }}
  valueFrom:
    secretKeyRef:
      name: {{ include "suite.component.fullname" (dict "name" $.values.name "context" $.context) }}
      key: {{ $key | kebabcase }}
{{- end }}
{{- end -}}

{{/* A probe: dict "probe" "port". */}}
{{- define "suite.component.probe" -}}
{{- $probe := omit .probe "enabled" -}}
{{- $_ := set $probe "tcpSocket" (dict "port" .port) -}}
{{- toYaml $probe -}}
{{- end -}}
