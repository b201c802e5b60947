{{/*
A common library in the style of Bitnami's: names, labels, images,
capabilities and value rendering, all through include.
*/}}

{{/* The chart name, truncated to 63 characters (a DNS label). */}}
{{- define "common.names.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Chart name and version, for the helm.sh/chart label. */}}
{{- define "common.names.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The fully qualified app name. */}}
{{- define "common.names.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The namespace objects go to. */}}
{{- define "common.names.namespace" -}}
{{- default .Release.Namespace .Values.namespaceOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* A dependency's fully qualified name: dict "name" "context". */}}
{{- define "common.names.dependency.fullname" -}}
{{- $base := include "common.names.fullname" .context -}}
{{- printf "%s-%s" $base (regexReplaceAll "[^a-z0-9-]" (.name | lower) "-") | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Renders a value that may contain templates: dict "value" "context", and
optionally "scope" (the value's dot).
*/}}
{{- define "common.tplvalues.render" -}}
{{- $value := typeIs "string" .value | ternary .value (.value | toYaml) -}}
{{- if contains "{{" (toJson .value) -}}
  {{- if .scope -}}
    {{- tpl (cat "{{- with $.RelativeScope -}}" $value "{{- end }}") (merge (dict "RelativeScope" .scope) .context) -}}
  {{- else -}}
    {{- tpl $value .context -}}
  {{- end -}}
{{- else -}}
  {{- $value -}}
{{- end -}}
{{- end -}}

{{/* Merges a list of maps after rendering each: dict "values" "context". */}}
{{- define "common.tplvalues.merge" -}}
{{- $dst := dict -}}
{{- range .values -}}
{{- $dst = include "common.tplvalues.render" (dict "value" . "context" $.context "scope" $.scope) | fromYaml | merge $dst -}}
{{- end -}}
{{ $dst | toYaml }}
{{- end -}}

{{/* Standard labels: dict "customLabels" "context" [ "component" ]. */}}
{{- define "common.labels.standard" -}}
{{- $default := dict "app.kubernetes.io/name" (include "common.names.name" .context) "helm.sh/chart" (include "common.names.chart" .context) "app.kubernetes.io/instance" .context.Release.Name "app.kubernetes.io/managed-by" .context.Release.Service -}}
{{- with .context.Chart.AppVersion -}}
{{- $_ := set $default "app.kubernetes.io/version" . -}}
{{- end -}}
{{- with .component -}}
{{- $_ := set $default "app.kubernetes.io/component" . -}}
{{- end -}}
{{- $global := dig "labels" (dict) (default (dict) .context.Values.global) -}}
{{ template "common.tplvalues.merge" (dict "values" (list .customLabels $global $default) "context" .context) }}
{{- end -}}

{{/* Immutable selector labels: dict "customLabels" "context" [ "component" ]. */}}
{{- define "common.labels.matchLabels" -}}
{{- $custom := pick (default (dict) .customLabels) "app.kubernetes.io/name" "app.kubernetes.io/instance" -}}
{{- $default := dict "app.kubernetes.io/name" (include "common.names.name" .context) "app.kubernetes.io/instance" .context.Release.Name -}}
{{- with .component -}}
{{- $_ := set $default "app.kubernetes.io/component" . -}}
{{- end -}}
{{ merge $custom $default | toYaml }}
{{- end -}}

{{/* Annotations common to every object, rendered: dict "extra" "context". */}}
{{- define "common.annotations.standard" -}}
{{- $all := mergeOverwrite (deepCopy .context.Values.commonAnnotations) (default (dict) .extra) -}}
{{- include "common.tplvalues.render" (dict "value" $all "context" .context) -}}
{{- end -}}

{{/* The Kubernetes version templates target. */}}
{{- define "common.capabilities.kubeVersion" -}}
{{- default .Capabilities.KubeVersion.Version .Values.kubeVersion -}}
{{- end -}}

{{- define "common.capabilities.deployment.apiVersion" -}}
{{- if semverCompare "<1.14-0" (include "common.capabilities.kubeVersion" .) -}}
{{- print "extensions/v1beta1" -}}
{{- else -}}
{{- print "apps/v1" -}}
{{- end -}}
{{- end -}}

{{- define "common.capabilities.ingress.apiVersion" -}}
{{- if semverCompare "<1.14-0" (include "common.capabilities.kubeVersion" .) -}}
{{- print "extensions/v1beta1" -}}
{{- else if semverCompare "<1.19-0" (include "common.capabilities.kubeVersion" .) -}}
{{- print "networking.k8s.io/v1beta1" -}}
{{- else -}}
{{- print "networking.k8s.io/v1" -}}
{{- end -}}
{{- end -}}

{{- define "common.capabilities.hpa.apiVersion" -}}
{{- if semverCompare "<1.23-0" (include "common.capabilities.kubeVersion" .context) -}}
{{- ternary "autoscaling/v2beta1" "autoscaling/v2beta2" (not .beta2) -}}
{{- else -}}
{{- print "autoscaling/v2" -}}
{{- end -}}
{{- end -}}

{{- define "common.capabilities.policy.apiVersion" -}}
{{- ternary "policy/v1beta1" "policy/v1" (semverCompare "<1.21-0" (include "common.capabilities.kubeVersion" .)) -}}
{{- end -}}

{{- define "common.capabilities.networkPolicy.apiVersion" -}}
{{- ternary "extensions/v1beta1" "networking.k8s.io/v1" (semverCompare "<1.7-0" (include "common.capabilities.kubeVersion" .)) -}}
{{- end -}}

{{/* An image reference: dict "imageRoot" "global" [ "chart" ]. */}}
{{- define "common.images.image" -}}
{{- $registry := .imageRoot.registry -}}
{{- $repository := .imageRoot.repository -}}
{{- $separator := ":" -}}
{{- $termination := default .chart.AppVersion .imageRoot.tag | toString -}}
{{- with .global -}}
{{- if .imageRegistry -}}
{{- $registry = .imageRegistry -}}
{{- end -}}
{{- end -}}
{{- if .imageRoot.digest -}}
{{- $separator = "@" -}}
{{- $termination = .imageRoot.digest | toString -}}
{{- end -}}
{{- if $registry -}}
{{- printf "%s/%s%s%s" $registry $repository $separator $termination -}}
{{- else -}}
{{- printf "%s%s%s" $repository $separator $termination -}}
{{- end -}}
{{- end -}}

{{/* Pull secrets: dict "images" (list …) "context". */}}
{{- define "common.images.renderPullSecrets" -}}
{{- $pullSecrets := list -}}
{{- range .context.Values.global.imagePullSecrets -}}
{{- $pullSecrets = append $pullSecrets (include "common.tplvalues.render" (dict "value" . "context" $.context)) -}}
{{- end -}}
{{- range .images -}}
{{- range (default (list) .pullSecrets) -}}
{{- $pullSecrets = append $pullSecrets (include "common.tplvalues.render" (dict "value" . "context" $.context)) -}}
{{- end -}}
{{- end -}}
{{- if $pullSecrets }}
imagePullSecrets:
{{- range $pullSecrets | uniq | sortAlpha }}
  - name: {{ . | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Resource requests and limits from a preset: dict "preset" "context". */}}
{{- define "common.resources.preset" -}}
{{- $presets := .context.Values.resourcesPresets -}}
{{- if not (hasKey $presets .preset) -}}
{{- fail (printf "unknown resources preset %q (one of %s)" .preset (keys $presets | sortAlpha | join ", ")) -}}
{{- end -}}
{{- $p := get $presets .preset -}}
{{- $mem := regexReplaceAll "([0-9]+)(Mi|Gi)" $p.memory "${1}" | int -}}
{{- $unit := regexFind "(Mi|Gi)$" $p.memory -}}
{{- $limitMem := printf "%d%s" (div (mul $mem 3) 2) $unit -}}
{{- $r := dict "requests" (dict "cpu" $p.cpu "memory" $p.memory "ephemeral-storage" "50Mi") "limits" (dict "memory" $limitMem "ephemeral-storage" "2Gi") -}}
{{- toYaml $r -}}
{{- end -}}

{{/* Pod anti-affinity: dict "type" "component" "context". */}}
{{- define "common.affinities.pods" -}}
{{- $labels := include "common.labels.matchLabels" (dict "context" .context "component" .component) | fromYaml -}}
{{- if eq .type "soft" }}
preferredDuringSchedulingIgnoredDuringExecution:
  - podAffinityTerm:
      labelSelector:
        matchLabels: {{- toYaml $labels | nindent 10 }}
      topologyKey: kubernetes.io/hostname
    weight: 1
{{- else if eq .type "hard" }}
requiredDuringSchedulingIgnoredDuringExecution:
  - labelSelector:
      matchLabels: {{- toYaml $labels | nindent 8 }}
    topologyKey: kubernetes.io/hostname
{{- end -}}
{{- end -}}

{{/* Node affinity: dict "type" "key" "values". */}}
{{- define "common.affinities.nodes" -}}
{{- if eq .type "soft" }}
preferredDuringSchedulingIgnoredDuringExecution:
  - preference:
      matchExpressions:
        - key: {{ .key }}
          operator: In
          values: {{- toYaml .values | nindent 12 }}
    weight: 1
{{- else if eq .type "hard" }}
requiredDuringSchedulingIgnoredDuringExecution:
  nodeSelectorTerms:
    - matchExpressions:
        - key: {{ .key }}
          operator: In
          values: {{- toYaml .values | nindent 12 }}
{{- end -}}
{{- end -}}

{{/* A security context without the chart-only "enabled" key. */}}
{{- define "common.compatibility.renderSecurityContext" -}}
{{- $adapted := omit .secContext "enabled" -}}
{{- if not (semverCompare ">=1.25-0" (include "common.capabilities.kubeVersion" .context)) -}}
{{- $adapted = omit $adapted "seccompProfile" -}}
{{- end -}}
{{- omit $adapted "sysctls" | toYaml -}}
{{- end -}}

{{/* A checksum of another template's output. */}}
{{- define "common.utils.checksumTemplate" -}}
{{- include (print $.context.Template.BasePath .path) .context | sha256sum -}}
{{- end -}}

{{/* A list joined as a comma separated, sorted, de-duplicated string. */}}
{{- define "common.utils.joinListWithComma" -}}
{{- $out := list -}}
{{- range . -}}{{- $out = append $out (toString .) -}}{{- end -}}
{{- $out | uniq | sortAlpha | join "," -}}
{{- end -}}
