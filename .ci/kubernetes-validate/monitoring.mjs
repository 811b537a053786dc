// Offline check of the rendered kubernetes/monitoring/ kustomization (first argument) against the metric names the
// server exports (second argument, kubernetes/monitoring/metric-names.txt, each of which MetricsTest finds in a real
// scrape): the PodMonitor scrapes the management port, the PrometheusRule and the Grafana dashboard have the
// structure Prometheus and Grafana need, every PromQL expression parses, and every metric it names is exported.
// Exits 1 on any finding.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { parser } from "@prometheus-io/lezer-promql";

// What the dashboard must show: connections, grace, fan-out latency, resumes, errors by 4CC, store latency, readiness.
const DASHBOARD_METRICS = [
  "multistudio_connections",
  "multistudio_sessions_grace",
  "multistudio_fanout_latency_seconds_bucket",
  "multistudio_resumes_total",
  "multistudio_errors_total",
  "multistudio_engine_operation_seconds_bucket",
  "multistudio_ready",
];
const SEVERITIES = ["critical", "warning", "info"];
// Grafana's interval variables stand where PromQL wants a duration; other variables only appear inside strings.
const GRAFANA_DURATIONS = /\$(__rate_interval|__interval|__range)\b|\$\{(__rate_interval|__interval|__range)\}/g;

const exported = new Set(
  readFileSync(process.argv[3], "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#")),
);
const problems = [];
const objects = [];
for (const document of parseAllDocuments(readFileSync(process.argv[2], "utf8"))) {
  if (document.errors.length > 0) {
    problems.push(`YAML: ${document.errors.map((error) => error.message).join("; ")}`);
  } else if (document.toJS() !== null) {
    objects.push(document.toJS());
  }
}
const only = (kind) => {
  const found = objects.filter((object) => object.kind === kind);
  if (found.length !== 1) {
    problems.push(`expected one ${kind}, found ${found.length}`);
  }
  return found[0];
};

checkPodMonitor(only("PodMonitor"));
checkRules(only("PrometheusRule"));
checkDashboard(objects.find((object) => object.kind === "ConfigMap" && object.data?.["dashboard.json"] !== undefined));

for (const problem of problems) {
  console.error(`ERROR ${problem}`);
}
if (problems.length === 0) {
  console.log(`monitoring: every expression parses and names only exported metrics (${exported.size} known)`);
}
process.exit(problems.length > 0 ? 1 : 0);

function checkPodMonitor(monitor) {
  if (monitor === undefined) {
    return;
  }
  if (monitor.spec?.selector?.matchLabels?.["app.kubernetes.io/name"] !== "multistudio-server") {
    problems.push("PodMonitor: spec.selector must match app.kubernetes.io/name: multistudio-server");
  }
  const endpoints = monitor.spec?.podMetricsEndpoints ?? [];
  if (!endpoints.some((endpoint) => endpoint.port === "management" && endpoint.path === "/q/metrics")) {
    problems.push("PodMonitor: no podMetricsEndpoint with port management and path /q/metrics");
  }
}

function checkRules(rule) {
  if (rule === undefined) {
    return;
  }
  const groups = rule.spec?.groups;
  if (!Array.isArray(groups) || groups.length === 0) {
    problems.push("PrometheusRule: spec.groups is empty");
    return;
  }
  const names = new Set();
  for (const group of groups) {
    if (typeof group.name !== "string" || !Array.isArray(group.rules) || group.rules.length === 0) {
      problems.push(`PrometheusRule: group ${group.name} needs a name and rules`);
      continue;
    }
    for (const alert of group.rules) {
      const where = `alert ${alert.alert}`;
      if (typeof alert.alert !== "string" || !/^[A-Z][A-Za-z0-9]*$/.test(alert.alert)) {
        problems.push(`${where}: needs a CamelCase name in alert`);
      } else if (names.has(alert.alert)) {
        problems.push(`${where}: defined twice`);
      }
      names.add(alert.alert);
      if (alert.for !== undefined && !/^(\d+(ms|s|m|h|d|w|y))+$/.test(alert.for)) {
        problems.push(`${where}: for must be a duration, not ${alert.for}`);
      }
      if (!SEVERITIES.includes(alert.labels?.severity)) {
        problems.push(`${where}: labels.severity must be one of ${SEVERITIES.join(", ")}`);
      }
      if (typeof alert.annotations?.summary !== "string") {
        problems.push(`${where}: needs annotations.summary`);
      }
      checkExpression(where, alert.expr);
    }
  }
}

function checkDashboard(configMap) {
  if (configMap === undefined) {
    problems.push("no ConfigMap with dashboard.json");
    return;
  }
  let dashboard;
  try {
    dashboard = JSON.parse(configMap.data["dashboard.json"]);
  } catch (error) {
    problems.push(`dashboard.json: ${error.message}`);
    return;
  }
  for (const field of ["uid", "title"]) {
    if (typeof dashboard[field] !== "string" || dashboard[field] === "") {
      problems.push(`dashboard: needs ${field}`);
    }
  }
  const panels = Array.isArray(dashboard.panels) ? dashboard.panels : [];
  if (panels.length === 0) {
    problems.push("dashboard: no panels");
  }
  const used = new Set();
  const ids = new Set();
  for (const panel of panels) {
    const where = `panel "${panel.title}"`;
    if (typeof panel.title !== "string" || typeof panel.type !== "string") {
      problems.push(`${where}: needs a title and a type`);
    }
    if (ids.has(panel.id)) {
      problems.push(`${where}: id ${panel.id} used twice`);
    }
    ids.add(panel.id);
    if (!["x", "y", "w", "h"].every((key) => Number.isInteger(panel.gridPos?.[key]))) {
      problems.push(`${where}: gridPos needs integers x, y, w, h`);
    }
    if (!Array.isArray(panel.targets) || panel.targets.length === 0) {
      problems.push(`${where}: no targets`);
      continue;
    }
    for (const target of panel.targets) {
      if (typeof target.refId !== "string") {
        problems.push(`${where}: a target has no refId`);
      }
      for (const name of checkExpression(where, target.expr)) {
        used.add(name);
      }
    }
  }
  for (const variable of dashboard.templating?.list ?? []) {
    const query = typeof variable.query === "object" ? variable.query?.query : undefined;
    const metric = /^label_values\(\s*([^,\s]+)\s*,/.exec(query ?? "")?.[1];
    if (metric !== undefined) {
      checkExpression(`variable ${variable.name}`, metric);
    }
  }
  for (const name of DASHBOARD_METRICS.filter((name) => !used.has(name))) {
    problems.push(`dashboard: no panel shows ${name}`);
  }
}

/** Parses a PromQL expression and checks the metric names it selects; returns those names. */
function checkExpression(where, expr) {
  if (typeof expr !== "string" || expr.trim() === "") {
    problems.push(`${where}: no expr`);
    return [];
  }
  const promql = expr.replace(GRAFANA_DURATIONS, "5m");
  const names = [];
  let error;
  parser.parse(promql).iterate({
    enter(node) {
      if (node.type.isError) {
        error ??= node.from;
      } else if (node.name === "VectorSelector") {
        const identifier = node.node.getChild("Identifier");
        if (identifier === null) {
          problems.push(`${where}: a selector without a metric name cannot be checked: ${expr}`);
        } else {
          names.push(promql.slice(identifier.from, identifier.to));
        }
      }
    },
  });
  if (error !== undefined) {
    problems.push(`${where}: PromQL syntax error at character ${error}: ${expr}`);
  }
  for (const name of names.filter((name) => !exported.has(name))) {
    problems.push(`${where}: metric ${name} is not exported by the server (metric-names.txt): ${expr}`);
  }
  return names;
}
