// oracle.mjs runs XForms in ODK's own engine (@getodk/xforms-engine, the engine of ODK Web
// Forms) for forms/oracle_test.go.
//
// Input (the file named by the first argument), JSON: {"forms": [{"name", "xform", "deviceID", "username", "attachments"?, "steps": [...]}]},
// where attachments maps a form attachment's file name (roster.csv) to its text: the engine
// fetches jr://file-csv/roster.csv and jr://file/roster.csv from it, anything else is missing.
// A step is one of
//   {"op": "set", "ref": "/data/g/q", "value": "..."}   answer a question (select_multiple: space-separated)
//   {"op": "add", "ref": "/data/g/r"}                    add an instance at the end of a repeat
//   {"op": "remove", "ref": "/data/g/r[2]"}              remove that instance of a repeat (later ones move up)
//   {"op": "clear"}                                       remove every instance of every repeat the user controls
//   {"op": "probe", "ref": "/data/g/q", "value": "..."}  ask whether the engine would take that answer, without giving it:
//                                                         the steps so far are replayed in a second instance of the form,
//                                                         the answer given there, and the state after the step holds only
//                                                         that node's state in the second instance (triggers it fires and
//                                                         instances a count builds stay there)
// Output (stdout), one JSON line per form:
//   {"name", "error"?, "states": [{"ref": [relevant, required, constraintValid, value, options?]}, ...]}
// where options, for a select, lists the values of the choices it offers now;
// with one state after loading and one after each step; "errors" lists steps that failed;
// with "final" set, "xml" is the instance as the engine would submit it after the last step, and
// "violations" the references of the nodes that would keep it from being submitted
// (a required question left empty, a constraint broken).
// With "timing" set, states are left out and "timing" gives the milliseconds the engine took:
// {"load": ms to create the instance and read every node's state once, "steps": [ms per step], "reads": [ms to read every node's
// state after each step]} (forms/versus_odk_test.go compares them with tracer's engine).
import fs from 'node:fs';
import process from 'node:process';
import { JSDOM } from 'jsdom';

// The engine's XPath parser (tree-sitter compiled by Emscripten) looks for these CommonJS
// names when it runs under Node.
globalThis.__dirname = process.cwd();
globalThis.module = { exports: {} };
const { window } = new JSDOM('');
globalThis.DOMParser = window.DOMParser;
globalThis.XMLSerializer = window.XMLSerializer;
globalThis.Node = window.Node;
globalThis.document = window.document;

const { createInstance } = await import('@getodk/xforms-engine');

const input = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));

function* walk(node) {
	yield node;
	for (const child of node.currentState.children ?? []) {
		yield* walk(child);
	}
}

// index maps each node's reference to the node; it is rebuilt when a reference is missing,
// as after repeat instances were added or removed.
let index = new Map();

function find(root, ref) {
	let node = index.get(ref);
	if (node == null || node.currentState.reference !== ref) {
		index = new Map();
		for (const n of walk(root)) {
			index.set(n.currentState.reference, n);
		}
		node = index.get(ref);
	}
	return node ?? null;
}

function snapshot(root) {
	const out = {};
	for (const n of walk(root)) {
		const st = n.currentState;
		if (n.nodeType === 'root' || n.nodeType.startsWith('repeat-range')) {
			continue;
		}
		const v = n.validationState;
		const constraint = v && 'constraint' in v ? v.constraint.valid : true;
		const value = typeof st.instanceValue === 'string' ? st.instanceValue : null;
		const state = [st.relevant, st.required, constraint, value];
		if (n.nodeType === 'select' || n.nodeType === 'rank') {
			state.push(st.valueOptions.map((o) => o.value));
		}
		out[st.reference] = state;
	}
	return out;
}

// clearRepeats removes every instance of the repeats the user controls below node; a
// repeat inside a removed instance went with it, and is not touched again.
function clearRepeats(node) {
	for (const child of [...(node.currentState.children ?? [])]) {
		if (child.nodeType === 'repeat-range:uncontrolled') {
			const count = child.currentState.children.length;
			if (count > 0) {
				child.removeInstances(0, count);
			}
			continue;
		}
		clearRepeats(child);
	}
}

function apply(root, step) {
	if (step.op === 'clear') {
		clearRepeats(root);
		return;
	}
	if (step.op === 'remove') {
		const m = /^(.*)\[(\d+)\]$/.exec(step.ref);
		const range = m && find(root, m[1]);
		if (range == null) {
			throw new Error(`no repeat instance ${step.ref}`);
		}
		range.removeInstances(Number(m[2]) - 1, 1);
		// A removed instance's nodes keep their references: forget them.
		index = new Map();
		return;
	}
	const node = find(root, step.ref);
	if (node == null) {
		throw new Error(`no node ${step.ref}`);
	}
	if (step.op === 'add') {
		node.addInstances(node.currentState.children.length - 1, 1);
		return;
	}
	switch (node.nodeType) {
		case 'select':
			if (node.selectType === 'select') {
				node.selectValues(step.value === '' ? [] : step.value.split(' '));
			} else {
				node.selectValue(step.value === '' ? null : step.value);
			}
			return;
		case 'rank':
			node.setValues(step.value === '' ? [] : step.value.split(' '));
			return;
		case 'trigger':
			node.setValue(step.value !== '');
			return;
		default:
			node.setValue(step.value);
	}
}

// open creates an instance of form in ODK's engine.
function open(form) {
	return createInstance(form.xform, {
		form: {
			fetchFormAttachment: async (url) => {
				const name = String(url?.href ?? url).replace(/^jr:\/\/file(-csv)?\//, '');
				const text = form.attachments?.[name];
				if (text == null) {
					return new Response('', { status: 404 });
				}
				const type = name.endsWith('.csv') ? 'text/csv' : 'text/xml';
				return new Response(text, { status: 200, headers: { 'Content-Type': type } });
			},
			missingResourceBehavior: 'BLANK',
		},
		instance: { preloadProperties: { deviceID: form.deviceID, username: form.username } },
	});
}

// probe answers a probe step: a second instance of form replays the steps before it (probes
// left out), takes the answer, and the node's state there is returned; the walk's own
// instance is not touched.
async function probe(form, steps, i) {
	const fork = (await open(form)).root;
	index = new Map();
	for (const step of steps.slice(0, i)) {
		if (step.op !== 'probe') {
			apply(fork, step);
		}
	}
	apply(fork, { ...steps[i], op: 'set' });
	const state = snapshot(fork)[steps[i].ref];
	index = new Map();
	return state == null ? {} : { [steps[i].ref]: state };
}

for (const form of input.forms) {
	const result = { name: form.name, states: [], errors: [] };
	try {
		const loadStart = performance.now();
		const instance = await open(form);
		const root = instance.root;
		index = new Map();
		if (form.timing) {
			delete result.states;
			snapshot(root); // the first read belongs to loading: a form is loaded to be shown
			result.timing = { load: performance.now() - loadStart, steps: [], reads: [] };
			for (const [i, step] of (form.steps ?? []).entries()) {
				const t0 = performance.now();
				try {
					// A probe leaves the walk's instance as it is; its replay is not timed.
					if (step.op !== 'probe') {
						apply(root, step);
					}
				} catch (e) {
					result.errors.push(`step ${i} (${step.op} ${step.ref ?? ''}): ${e?.message ?? e}`);
				}
				const t1 = performance.now();
				snapshot(root);
				result.timing.steps.push(t1 - t0);
				result.timing.reads.push(performance.now() - t1);
			}
		} else {
			result.states.push(snapshot(root));
			for (const [i, step] of (form.steps ?? []).entries()) {
				if (step.op === 'probe') {
					try {
						result.states.push(await probe(form, form.steps, i));
					} catch (e) {
						result.errors.push(`step ${i} (probe ${step.ref}): ${e?.message ?? e}`);
						result.states.push({});
					}
					continue;
				}
				try {
					apply(root, step);
				} catch (e) {
					result.errors.push(`step ${i} (${step.op} ${step.ref ?? ''}): ${e?.message ?? e}`);
				}
				result.states.push(snapshot(root));
			}
		}
		if (form.final) {
			result.xml = root.instanceState.instanceXML;
			result.violations = root.validationState.violations.map((v) => v.reference);
		}
	} catch (e) {
		result.error = String(e?.message ?? e) + (e?.cause ? `: ${e.cause}` : '');
		delete result.states;
	}
	process.stdout.write(JSON.stringify(result) + '\n');
}
