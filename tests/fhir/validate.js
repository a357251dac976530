// validate.js - checks FHIR R4 bundles written by 'cahier export --fhir'
// (tests/t89-fhir.sh).
//
// usage: node validate.js BUNDLE.json...
//
// Each file is validated by FHIR.js (the npm package "fhir", pinned in
// package.json and package-lock.json), which checks every resource of the
// bundle against the FHIR R4 structure definitions: required elements,
// cardinality, primitive formats, codes of required value sets; with
// errorOnUnexpected, an element FHIR does not define is an error too.
// Then a few rules of FHIR's JSON and of a bundle that FHIR.js leaves
// out, each named below: they are this project's checks, not FHIR.js's.
//
// Prints one line per file ("ok FILE: N resources, W warnings") and one
// per problem ("error FILE: WHERE: WHAT"). Warnings of FHIR.js (a code
// outside a value set FHIR only suggests or gives as an example: the
// project's own codes, or one of a value set FHIR.js does not hold) do not
// fail; they are counted, and printed one per line ("warning ...") when
// FHIR_VERBOSE=1. Exits 1 if any file has an error or a
// fatal message, 2 on a usage error.
'use strict';

const fs = require('fs');
const Fhir = require('fhir').Fhir;

const files = process.argv.slice(2);
if (files.length === 0) {
	console.error('usage: node validate.js BUNDLE.json...');
	process.exit(2);
}

const fhir = new Fhir();
const verbose = process.env.FHIR_VERBOSE === '1';
const ID = /^[A-Za-z0-9\-.]{1,64}$/;
const UUID = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const INSTANT = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$/;
let failed = false;

// FHIR's JSON: no empty object, array or string, no null (json.html,
// "JSON representation of primitive elements" and "...of Elements").
function emptiness(v, where, out) {
	if (v === null)
		out.push(where + ': null');
	else if (Array.isArray(v)) {
		if (v.length === 0)
			out.push(where + ': an empty array');
		v.forEach((e, i) => emptiness(e, where + '[' + i + ']', out));
	} else if (typeof v === 'object') {
		const keys = Object.keys(v);
		if (keys.length === 0)
			out.push(where + ': an empty object');
		keys.forEach((k) => emptiness(v[k], where + '.' + k, out));
	} else if (typeof v === 'string' && v.length === 0)
		out.push(where + ': an empty string');
}

// Every "reference" inside v, with where it is.
function references(v, where, out) {
	if (Array.isArray(v))
		v.forEach((e, i) => references(e, where + '[' + i + ']', out));
	else if (v && typeof v === 'object')
		for (const k of Object.keys(v)) {
			if (k === 'reference' && typeof v[k] === 'string')
				out.push({ where: where, ref: v[k], type: v.type });
			else
				references(v[k], where + '.' + k, out);
		}
}

for (const file of files) {
	const errors = [];
	let bundle;
	try {
		bundle = JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch (e) {
		console.log('error ' + file + ': not JSON: ' + e.message);
		failed = true;
		continue;
	}
	const result = fhir.validate(bundle, { errorOnUnexpected: true });
	let warnings = 0;
	for (const m of result.messages) {
		const line = (m.resourceId ? m.resourceId + ': ' : '') + m.location + ': ' + m.message;
		if (m.severity === 'error' || m.severity === 'fatal')
			errors.push('FHIR.js ' + m.severity + ': ' + line);
		else if (m.severity === 'warning') {
			warnings++;
			if (verbose)
				console.log('warning ' + file + ': ' + line);
		}
	}
	if (!result.valid && errors.length === 0)
		errors.push('FHIR.js says the bundle is not valid');

	// The project's checks.
	emptiness(bundle, 'Bundle', errors);
	if (bundle.resourceType !== 'Bundle' || bundle.type !== 'collection')
		errors.push('Bundle: not a Bundle of type collection');
	if (!INSTANT.test(bundle.timestamp || ''))
		errors.push('Bundle.timestamp: not an instant: ' + bundle.timestamp);
	const urls = new Map();
	(bundle.entry || []).forEach((e, i) => {
		const where = 'Bundle.entry[' + i + ']';
		const r = e.resource || {};
		if (!UUID.test(e.fullUrl || ''))
			errors.push(where + '.fullUrl: not a urn:uuid: ' + e.fullUrl);
		else if (urls.has(e.fullUrl))
			errors.push(where + '.fullUrl: also ' + urls.get(e.fullUrl).where);
		else
			urls.set(e.fullUrl, { where: where, type: r.resourceType });
		// FHIR.js tests ids with a pattern it does not anchor
		if (!ID.test(r.id || ''))
			errors.push(where + '.resource.id: not an id: ' + r.id);
		else if (e.fullUrl !== 'urn:uuid:' + r.id)
			errors.push(where + ': fullUrl and id differ');
	});
	// A reference to a urn:uuid is to an entry of the bundle (bundle.html,
	// "Resolving references in Bundles"), of the type it says.
	const refs = [];
	references(bundle, 'Bundle', refs);
	for (const r of refs) {
		if (!r.ref.startsWith('urn:uuid:'))
			errors.push(r.where + ': a reference outside the bundle: ' + r.ref);
		else if (!urls.has(r.ref))
			errors.push(r.where + ': no entry ' + r.ref + ' in the bundle');
		else if (r.type && urls.get(r.ref).type !== r.type)
			errors.push(r.where + ': says ' + r.type + ', is ' + urls.get(r.ref).type);
	}

	if (errors.length) {
		failed = true;
		for (const e of errors)
			console.log('error ' + file + ': ' + e);
	} else
		console.log('ok ' + file + ': ' + (bundle.entry || []).length + ' resources, ' +
		    warnings + ' warning' + (warnings === 1 ? '' : 's'));
}
process.exit(failed ? 1 : 0);
