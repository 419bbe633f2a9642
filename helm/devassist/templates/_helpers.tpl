{{/*
Names. Every object is "<release>-<component>", cut to Kubernetes' 63 characters.
*/}}
{{- define "devassist.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "devassist.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* The name of one component's objects: (dict "root" $ "component" "gateway") */}}
{{- define "devassist.componentName" -}}
{{- printf "%s-%s" (include "devassist.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels that select a component's pods; they never change between releases. */}}
{{- define "devassist.selectorLabels" -}}
app.kubernetes.io/name: {{ include "devassist.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Every label of a component's objects. */}}
{{- define "devassist.labels" -}}
{{ include "devassist.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: devassist
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" }}
{{- with .root.Values.global.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/*
An image reference: (dict "root" $ "image" .Values.gateway.image "own" true). Our own
images live under global.imageRegistry and default to the chart's appVersion; a digest,
when given, wins over the tag.
*/}}
{{- define "devassist.image" -}}
{{- $repository := .image.repository -}}
{{- if .own -}}
{{- $repository = printf "%s/%s" .root.Values.global.imageRegistry .image.repository -}}
{{- end -}}
{{- if .image.digest -}}
{{- printf "%s@%s" $repository .image.digest -}}
{{- else -}}
{{- $tag := .image.tag | default .root.Values.global.imageTag | default .root.Chart.AppVersion -}}
{{- printf "%s:%s" $repository $tag -}}
{{- end -}}
{{- end -}}

{{/* The pod's security context: a numeric non-root user, RuntimeDefault seccomp. */}}
{{- define "devassist.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .uid | default 65532 }}
runAsGroup: {{ .uid | default 65532 }}
fsGroup: {{ .uid | default 65532 }}
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* A container's security context: read-only root, no privilege, no capabilities. */}}
{{- define "devassist.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop: ["ALL"]
{{- end -}}

{{/* Spread a component's pods over zones, then nodes. */}}
{{- define "devassist.topologySpread" -}}
{{- if .root.Values.global.topologySpread.enabled }}
topologySpreadConstraints:
  - maxSkew: {{ .root.Values.global.topologySpread.maxSkew }}
    topologyKey: topology.kubernetes.io/zone
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "devassist.selectorLabels" . | nindent 8 }}
  - maxSkew: {{ .root.Values.global.topologySpread.maxSkew }}
    topologyKey: kubernetes.io/hostname
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "devassist.selectorLabels" . | nindent 8 }}
{{- end }}
{{- end -}}

{{/* Service host names, as the services call each other. */}}
{{- define "devassist.url" -}}
{{- $values := index .root.Values .key -}}
{{- printf "http://%s:%v" (include "devassist.componentName" (dict "root" .root "component" .component)) $values.port -}}
{{- end -}}

{{/* PostgreSQL: where, and which Secret holds the password. */}}
{{- define "devassist.postgresHost" -}}
{{- if .Values.postgresql.deploy -}}
{{- include "devassist.componentName" (dict "root" . "component" "postgresql") -}}
{{- else -}}
{{- required "postgresql.host is required when postgresql.deploy is false" .Values.postgresql.host -}}
{{- end -}}
{{- end -}}

{{- define "devassist.postgresSecret" -}}
{{- .Values.postgresql.existingSecret | default (include "devassist.componentName" (dict "root" . "component" "postgresql")) -}}
{{- end -}}

{{- define "devassist.redisHost" -}}
{{- if .Values.redis.deploy -}}
{{- include "devassist.componentName" (dict "root" . "component" "redis") -}}
{{- else -}}
{{- required "redis.host is required when redis.deploy is false" .Values.redis.host -}}
{{- end -}}
{{- end -}}

{{- define "devassist.redisSecret" -}}
{{- .Values.redis.existingSecret | default (include "devassist.componentName" (dict "root" . "component" "redis")) -}}
{{- end -}}

{{/*
A generated password. The Secret that holds it is a pre-install hook, so Helm makes it
once, at install, and never renders it again: upgrades keep the password, and
uninstalling leaves it (with the data it protects). No lookup of the cluster is needed.
*/}}
{{- define "devassist.generatedPassword" -}}
{{- randAlphaNum 32 | b64enc -}}
{{- end -}}

{{- define "devassist.generatedSecretAnnotations" -}}
helm.sh/hook: pre-install
helm.sh/hook-weight: "-10"
helm.sh/resource-policy: keep
{{- end -}}

{{/* The environment every Spring service shares: its config file, the identity key, JVM flags. */}}
{{- define "devassist.springEnv" -}}
- name: SPRING_CONFIG_ADDITIONAL_LOCATION
  value: optional:file:/etc/devassist/config/
- name: JAVA_TOOL_OPTIONS
  value: {{ .values.javaToolOptions | quote }}
# One ECS JSON object a line on stdout, with the request id from the MDC.
- name: LOGGING_STRUCTURED_FORMAT_CONSOLE
  value: ecs
- name: DEVASSIST_IDENTITY_PUBLIC_KEY_LOCATION
  value: file:/etc/devassist/identity/{{ .root.Values.identity.publicKeyKey }}
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
{{- end -}}

{{- define "devassist.datasourceEnv" -}}
- name: SPRING_DATASOURCE_URL
  value: {{ printf "jdbc:postgresql://%s:%v/%s" (include "devassist.postgresHost" .) .Values.postgresql.port .Values.postgresql.database | quote }}
- name: SPRING_DATASOURCE_USERNAME
  value: {{ .Values.postgresql.username | quote }}
- name: SPRING_DATASOURCE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "devassist.postgresSecret" . }}
      key: {{ .Values.postgresql.passwordKey }}
- name: REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "devassist.redisSecret" . }}
      key: {{ .Values.redis.passwordKey }}
{{- end -}}

{{/* The probes of a Spring service on its actuator: (dict "port" "management") */}}
{{- define "devassist.springProbes" -}}
startupProbe:
  httpGet:
    path: /actuator/health/liveness
    port: {{ .port }}
  periodSeconds: 5
  failureThreshold: 60
livenessProbe:
  httpGet:
    path: /actuator/health/liveness
    port: {{ .port }}
  periodSeconds: 10
  failureThreshold: 3
readinessProbe:
  httpGet:
    path: /actuator/health/readiness
    port: {{ .port }}
  periodSeconds: 5
  failureThreshold: 2
{{- end -}}

{{/* Volumes every Spring service mounts: a writable /tmp, its config, the public key. */}}
{{- define "devassist.springVolumeMounts" -}}
- name: tmp
  mountPath: /tmp
- name: config
  mountPath: /etc/devassist/config
  readOnly: true
- name: identity
  mountPath: /etc/devassist/identity
  readOnly: true
{{- end -}}

{{- define "devassist.springVolumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: 1Gi
- name: config
  configMap:
    name: {{ include "devassist.componentName" (dict "root" .root "component" .component) }}
- name: identity
  secret:
    secretName: {{ .root.Values.identity.existingSecret }}
    items:
      - key: {{ .root.Values.identity.publicKeyKey }}
        path: {{ .root.Values.identity.publicKeyKey }}
{{- end -}}

{{/* A Deployment's rolling update: a new pod first, never fewer ready ones. */}}
{{- define "devassist.rollingUpdate" -}}
strategy:
  type: RollingUpdate
  rollingUpdate:
    maxSurge: 25%
    maxUnavailable: 0
{{- end -}}
