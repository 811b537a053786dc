// Offline check of rendered Kubernetes manifests (the output of `kubectl kustomize`), read from the file named by
// the first argument or from stdin. Every object whose kind kubernetes-models knows is checked for field types and
// for fields the API does not have; a typo such as `replicaz` would otherwise be dropped by the API server without
// a word. Objects of other kinds (the Infinispan custom resources) are listed as not checked. Exits 1 on any finding.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

// Kinds the deployment cannot work without: a kustomization that silently lost one of them must fail.
const REQUIRED = ["Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget"];

const text = readFileSync(process.argv[2] ?? 0, "utf8");
const problems = [];
const checked = [];
const unchecked = [];

for (const document of parseAllDocuments(text)) {
  if (document.errors.length > 0) {
    problems.push(`YAML: ${document.errors.map((error) => error.message).join("; ")}`);
    continue;
  }
  const object = document.toJS();
  if (object === null) {
    continue;
  }
  const name = `${object.kind}/${object.metadata?.name}`;
  const model = await modelOf(object);
  if (model === undefined) {
    unchecked.push(`${name} (${object.apiVersion})`);
    continue;
  }
  checked.push(object.kind);
  unwrapBase64(object);
  problems.push(...check(model, object).map((problem) => `${name}: ${problem}`));
}

for (const kind of REQUIRED.filter((kind) => !checked.includes(kind))) {
  problems.push(`no ${kind} in the manifests`);
}

console.log(`checked: ${checked.length} objects (${[...new Set(checked)].join(", ")})`);
if (unchecked.length > 0) {
  console.log(`not checked, no model: ${unchecked.join(", ")}`);
}
for (const problem of problems) {
  console.error(`ERROR ${problem}`);
}
process.exit(problems.length > 0 ? 1 : 0);

/** The kubernetes-models class for the object's apiVersion and kind, or undefined when the package has none. */
async function modelOf(object) {
  if (typeof object.apiVersion !== "string" || typeof object.kind !== "string") {
    return undefined;
  }
  try {
    const group = await import(`kubernetes-models/${object.apiVersion}`);
    return group[object.kind];
  } catch (error) {
    if (error.code === "ERR_PACKAGE_PATH_NOT_EXPORTED" || error.code === "ERR_MODULE_NOT_FOUND") {
      return undefined;
    }
    throw error;
  }
}

/**
 * Joins the lines of a Secret's base64 values: kustomize's secretGenerator wraps them every 76 characters, which the
 * API server's decoder ignores, but the model's "byte" format does not allow.
 */
function unwrapBase64(object) {
  if (object.kind !== "Secret" || object.data === null || typeof object.data !== "object") {
    return;
  }
  for (const [key, value] of Object.entries(object.data)) {
    if (typeof value === "string") {
      object.data[key] = value.replace(/[\r\n]/g, "");
    }
  }
}

/**
 * Type errors and unknown fields of one object. The model's validator is generated from the API's OpenAPI schema
 * and reads every property the schema defines, while a field the schema lacks is never read. So the object is
 * handed to the validator behind proxies that record which properties were read: whatever was present but never
 * read is unknown to the API. Maps (labels, annotations, resource quantities) are enumerated by the validator
 * rather than read key by key, and any key of an enumerated object counts as known.
 */
function check(model, object) {
  const visits = new Map();
  const problems = [];
  try {
    model.prototype.validate.call(watched(object, "", visits));
  } catch (error) {
    problems.push(error.message);
  }
  for (const [target, visit] of visits) {
    if (visit.enumerated) {
      continue;
    }
    for (const key of Object.keys(target).filter((key) => !visit.read.has(key))) {
      problems.push(`unknown field ${visit.path}${visit.path ? "." : ""}${key}`);
    }
  }
  return problems;
}

function watched(value, path, visits) {
  if (value === null || typeof value !== "object") {
    return value;
  }
  if (Array.isArray(value)) {
    return new Proxy(value, {
      get(target, key, receiver) {
        const item = Reflect.get(target, key, receiver);
        return typeof key === "string" && /^\d+$/.test(key) ? watched(item, `${path}[${key}]`, visits) : item;
      },
    });
  }
  let visit = visits.get(value);
  if (visit === undefined) {
    visit = { path, read: new Set(), enumerated: false, proxy: undefined };
    visits.set(value, visit);
    visit.proxy = new Proxy(value, {
      get(target, key, receiver) {
        const property = Reflect.get(target, key, receiver);
        if (typeof key !== "string") {
          return property;
        }
        visit.read.add(key);
        return watched(property, path ? `${path}.${key}` : key, visits);
      },
      has(target, key) {
        visit.read.add(key);
        return Reflect.has(target, key);
      },
      ownKeys(target) {
        visit.enumerated = true;
        return Reflect.ownKeys(target);
      },
    });
  }
  return visit.proxy;
}
