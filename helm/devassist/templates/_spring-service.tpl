{{/*
The objects of one Spring service: its ConfigMap (application.yaml), Deployment, Service,
HorizontalPodAutoscaler and PodDisruptionBudget. Called with
  (dict "root" $ "component" "gateway" "values" .Values.gateway
        "config" <application.yaml text> "env" <env YAML> "volumes" <YAML> "mounts" <YAML>)
and "cpuAutoscaling" false where the component scales on queue metrics instead
(queue-autoscaling.yaml).
*/}}
{{- define "devassist.springService" -}}
{{- $ctx := dict "root" .root "component" .component -}}
{{- $name := include "devassist.componentName" $ctx -}}
{{- $values := .values -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ $name }}
  labels:
    {{- include "devassist.labels" $ctx | nindent 4 }}
data:
  application.yaml: |
    {{- .config | nindent 4 }}
    {{- with $values.config }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $name }}
  labels:
    {{- include "devassist.labels" $ctx | nindent 4 }}
spec:
  {{- if not $values.autoscaling.enabled }}
  replicas: {{ $values.replicas }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "devassist.selectorLabels" $ctx | nindent 6 }}
  {{- include "devassist.rollingUpdate" . | nindent 2 }}
  template:
    metadata:
      labels:
        {{- include "devassist.labels" $ctx | nindent 8 }}
      annotations:
        checksum/config: {{ .config | sha256sum }}
        {{- with $values.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "devassist.fullname" .root }}
      automountServiceAccountToken: false
      enableServiceLinks: false
      terminationGracePeriodSeconds: {{ $values.terminationGracePeriodSeconds | default .root.Values.global.terminationGracePeriodSeconds }}
      securityContext:
        {{- include "devassist.podSecurityContext" dict | nindent 8 }}
      {{- with .root.Values.global.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- include "devassist.topologySpread" $ctx | nindent 6 }}
      {{- with $values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $values.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ .component }}
          image: {{ include "devassist.image" (dict "root" .root "image" $values.image "own" true) }}
          imagePullPolicy: {{ .root.Values.global.imagePullPolicy }}
          ports:
            - name: http
              containerPort: {{ $values.port }}
              protocol: TCP
            {{- if $values.managementPort }}
            - name: management
              containerPort: {{ $values.managementPort }}
              protocol: TCP
            {{- end }}
          env:
            {{- include "devassist.springEnv" (dict "root" .root "values" $values) | nindent 12 }}
            - name: SERVER_PORT
              value: {{ $values.port | quote }}
            # Drain in-flight calls and streams for all but the last 20 s of the grace period.
            - name: SPRING_LIFECYCLE_TIMEOUT_PER_SHUTDOWN_PHASE
              value: {{ printf "%ds" (sub (int ($values.terminationGracePeriodSeconds | default .root.Values.global.terminationGracePeriodSeconds)) 20) | quote }}
            {{- if $values.managementPort }}
            - name: MANAGEMENT_SERVER_PORT
              value: {{ $values.managementPort | quote }}
            {{- end }}
            {{- with .env }}
            {{- . | nindent 12 }}
            {{- end }}
            {{- with $values.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          {{- include "devassist.springProbes" (dict "port" (ternary "management" "http" (not (empty $values.managementPort)))) | nindent 10 }}
          lifecycle:
            preStop:
              # Let endpoints and the ingress forget this pod before it stops taking calls.
              sleep:
                seconds: 5
          resources:
            {{- toYaml $values.resources | nindent 12 }}
          securityContext:
            {{- include "devassist.containerSecurityContext" . | nindent 12 }}
          volumeMounts:
            {{- include "devassist.springVolumeMounts" . | nindent 12 }}
            {{- with .mounts }}
            {{- . | nindent 12 }}
            {{- end }}
      volumes:
        {{- include "devassist.springVolumes" $ctx | nindent 8 }}
        {{- with .volumes }}
        {{- . | nindent 8 }}
        {{- end }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ $name }}
  labels:
    {{- include "devassist.labels" $ctx | nindent 4 }}
spec:
  type: ClusterIP
  selector:
    {{- include "devassist.selectorLabels" $ctx | nindent 4 }}
  ports:
    - name: http
      port: {{ $values.port }}
      targetPort: http
      protocol: TCP
    {{- if $values.managementPort }}
    - name: management
      port: {{ $values.managementPort }}
      targetPort: management
      protocol: TCP
    {{- end }}
{{- if and $values.autoscaling.enabled (ne .cpuAutoscaling false) }}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ $name }}
  labels:
    {{- include "devassist.labels" $ctx | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ $name }}
  minReplicas: {{ $values.autoscaling.minReplicas }}
  maxReplicas: {{ $values.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $values.autoscaling.targetCPUUtilizationPercentage }}
    {{- with $values.autoscaling.targetMemoryUtilizationPercentage }}
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: {{ . }}
    {{- end }}
  behavior:
    scaleDown:
      # Streams drain slowly: give up capacity gently.
      stabilizationWindowSeconds: 300
      policies:
        - type: Pods
          value: 1
          periodSeconds: 120
{{- end }}
{{- if $values.pdb.enabled }}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ $name }}
  labels:
    {{- include "devassist.labels" $ctx | nindent 4 }}
spec:
  minAvailable: {{ $values.pdb.minAvailable }}
  selector:
    matchLabels:
      {{- include "devassist.selectorLabels" $ctx | nindent 6 }}
{{- end }}
{{- end -}}
