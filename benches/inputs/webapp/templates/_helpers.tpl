{{/*
The chart's name, unless overridden.
*/}}
{{- define "webapp.name" -}}
{{- if .Values.nameOverride }}{{ .Values.nameOverride }}{{ else }}{{ .Chart.Name }}{{ end }}
{{- end }}

{{/*
A fully qualified app name. If the release name already contains the chart
name, it is used as is.
*/}}
{{- define "webapp.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride }}
{{- else }}
{{- $name := include "webapp.name" . }}
{{- if eq .Release.Name $name }}
{{- .Release.Name }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Chart name and version, as used by the chart label.
*/}}
{{- define "webapp.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end }}

{{/*
Selector labels: stable for the life of the release.
*/}}
{{- define "webapp.selectorLabels" -}}
app.kubernetes.io/name: {{ include "webapp.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Common labels, as a YAML block.
*/}}
{{- define "webapp.labels" -}}
helm.sh/chart: {{ include "webapp.chart" . }}
{{ include "webapp.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ printf "%q" .Chart.AppVersion }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
The labels as a one-line flow mapping, so that they can be placed at any
indentation without Sprig's nindent.
*/}}
{{- define "webapp.labelsInline" -}}
{{- include "webapp.labels" . | fromYaml | toJson }}
{{- end }}

{{- define "webapp.selectorLabelsInline" -}}
{{- include "webapp.selectorLabels" . | fromYaml | toJson }}
{{- end }}

{{/*
The service account to use.
*/}}
{{- define "webapp.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- if .Values.serviceAccount.name }}{{ .Values.serviceAccount.name }}{{ else }}{{ include "webapp.fullname" . }}{{ end }}
{{- else }}
{{- if .Values.serviceAccount.name }}{{ .Values.serviceAccount.name }}{{ else }}default{{ end }}
{{- end }}
{{- end }}

{{/*
The container image reference; the tag defaults to the app version.
*/}}
{{- define "webapp.image" -}}
{{- $repo := required "image.repository is required" .Values.image.repository }}
{{- if .Values.image.tag }}
{{- printf "%s:%s" $repo .Values.image.tag }}
{{- else }}
{{- printf "%s:%s" $repo .Chart.AppVersion }}
{{- end }}
{{- end }}

{{/*
An HTTP probe; called with the probe's values as dot.
*/}}
{{- define "webapp.httpProbe" -}}
httpGet:
  path: {{ .path }}
  port: http
initialDelaySeconds: {{ .initialDelaySeconds }}
periodSeconds: {{ .periodSeconds }}
{{- end }}
