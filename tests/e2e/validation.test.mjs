// Server-side validation of the supplier registration form: an error per
// field in the user's language, the input kept (never the password), and
// nothing written unless the whole registration commits.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { text } from '../lib/harness.mjs';
import {
	boot, one, q, registerSupplier, newSupplier, supplierFields, nonceOf, staff, review,
	fieldErrors, inputValue, textareaValue, selectedOption, checkedCategories, orgCount,
	escapeHtml, freshBizno, dashed, Client, PASSWORD, errors, msg,
} from './helpers.mjs';

let srv;
let admin;
before(async () => {
	srv = await boot();
	admin = await staff(srv);
});
after(async () => { await srv?.shutdown(); });

// The expected message per mistake, by catalog key (err.*).
const M = Object.fromEntries(['required', 'choose', 'bizno_format', 'bizno_check', 'bizno_taken', 'text_2_100',
	'text_2_50', 'text_5_200', 'email', 'phone', 'licences', 'categories', 'login', 'login_taken', 'password',
	'password2', 'agree'].map((k) => [k, msg(`err.${k}`)]));

// A valid bizno with the wrong check digit.
function wrongCheckDigit() {
	const b = freshBizno();
	return b.slice(0, 9) + String((Number(b[9]) + 1) % 10);
}

// [field, bad value, expected message]. undefined removes the field.
const CASES = [
	['bizno', '', M.required],
	['bizno', '123-45-6789', M.bizno_format],
	['bizno', '12-345-67891', M.bizno_format],
	['bizno', '１２３４５６７８９１', M.bizno_format],
	['bizno', 'abcdefghij', M.bizno_format],
	['bizno', () => dashed(wrongCheckDigit()), M.bizno_check],
	['bizno', () => wrongCheckDigit(), M.bizno_check],
	['company', '', M.required],
	['company', '   ', M.required],
	['company', 'A', M.text_2_100],
	['company', '가'.repeat(101), M.text_2_100],
	['company', '상호\u0007벨', M.text_2_100],
	['representative', '', M.required],
	['representative', '김', M.text_2_50],
	['address', '서울', M.text_5_200],
	['region', '', M.choose],
	['region', '99', M.choose],
	['biz_type', 'wholesale', M.choose],
	['biz_type', undefined, M.choose],
	['contact', '', M.required],
	['email', '', M.required],
	['email', 'not-an-email', M.email],
	['email', 'a@@b.example', M.email],
	['email', 'kim@example', M.email],
	['email', '김@example.com', M.email],
	['phone', '', M.required],
	['phone', '12-34', M.phone],
	['phone', '02-1234-567a', M.phone],
	['phone', '010--1234-5678', M.phone],
	['licences', '정보통신공사업\nA', M.licences],
	['licences', Array.from({ length: 21 }, (_, i) => `면허${i + 1}`).join('\n'), M.licences],
	['categories', [], M.categories],
	['categories', ['abc'], M.categories],
	['categories', ['1234567'], M.categories],
	['login', '', M.required],
	['login', 'ab', M.login],
	['login', '1abc', M.login],
	['login', 'Tester', M.login],
	['login', 'kim lee', M.login],
	['password', '', M.required],
	['password', 'short1!', M.password],
	['password', 'abcdefghijkl', M.password],
	['password', 'Abc!23', M.password],
	['password2', 'Different!2026', M.password2],
	['agree', undefined, M.agree],
];

for (const [field, bad, message] of CASES) {
	const value = typeof bad === 'function' ? bad() : bad;
	test(`registration: ${field} = ${JSON.stringify(value)} → 400 with "${message}"`, async () => {
		const before = await orgCount(srv);
		const over = { [field]: value };
		if (field === 'login' && value !== '' && value !== undefined) over.email = 'x@test.example';
		if (field === 'password') over.password2 = value;
		const { r, f, nonce } = await registerSupplier(srv, over);
		assert.equal(r.status, 400);
		const errs = fieldErrors(r.text);
		assert.equal(errs[field], message, `error for ${field}; got ${JSON.stringify(errs)}`);
		assert.deepEqual(Object.keys(errs), [field], 'no error on the other, valid fields');
		assert.match(r.text, /role="alert"/, 'a summary tells the user to correct the marked fields');
		assert.equal(await orgCount(srv), before, 'nothing written');
		if (f.login) assert.equal(await one(srv, `SELECT count(*) FROM portal.users WHERE login = ${q(f.login)}`), '0');

		// What was typed is still there (the bad value too), the password is not.
		const kept = { bizno: 'bizno', company: 'company', representative: 'representative', address: 'address',
			contact: 'contact', email: 'email', phone: 'phone', login: 'login' };
		for (const [name, id] of Object.entries(kept)) {
			if (typeof f[name] !== 'string') continue;
			assert.equal(inputValue(r.text, id), f[name], `${name} kept`);
		}
		if (typeof f.licences === 'string') assert.equal(textareaValue(r.text, 'licences').replace(/\r/g, ''), f.licences.replace(/\r/g, ''));
		if (field !== 'region') assert.equal(selectedOption(r.text, 'region'), f.region, 'region kept');
		if (field !== 'biz_type') assert.equal(selectedOption(r.text, 'biz_type'), f.biz_type, 'business type kept');
		if (field !== 'categories') assert.deepEqual(checkedCategories(r.text).sort(), [...f.categories].sort(), 'categories kept');
		if (field !== 'agree') assert.match(r.text, /name="agree" value="1" checked/);
		if (typeof f.password === 'string' && f.password !== '') {
			assert.ok(!r.text.includes(f.password), 'the password is not echoed');
			assert.ok(!r.text.includes(escapeHtml(f.password)), 'the password is not echoed (escaped)');
		}
		assert.match(r.text, /<input id="password" name="password" type="password"(?![^>]*value=)/);
		assert.equal(nonceOf(r.text), nonce, 'the same nonce is kept for the retry');
	});
}

test('a password that contains the login is refused', async () => {
	const login = `kim${Date.now().toString(36)}`;
	const pw = `${login}!2026Ab`;
	const { r } = await registerSupplier(srv, { login, password: pw, password2: pw });
	assert.equal(r.status, 400);
	assert.equal(fieldErrors(r.text).password, M.password);
	assert.equal(await one(srv, `SELECT count(*) FROM portal.users WHERE login = ${q(login)}`), '0');
});

test('an empty submission marks every required field at once', async () => {
	const before = await orgCount(srv);
	const c = new Client(srv.base);
	const g = await c.get('/register');
	const r = await c.post('/register', { nonce: nonceOf(g.text) });
	assert.equal(r.status, 400);
	const errs = fieldErrors(r.text);
	for (const f of ['bizno', 'company', 'representative', 'address', 'region', 'biz_type', 'contact',
		'email', 'phone', 'categories', 'login', 'password', 'agree']) assert.ok(errs[f], `error on ${f}`);
	assert.equal(await orgCount(srv), before);
});

test('errors come in English for an English-speaking user', async () => {
	const c = new Client(srv.base);
	await c.get('/lang?to=en&next=/register');
	const g = await c.get('/register');
	assert.match(g.text, /<html lang="en">/);
	const f = supplierFields(srv, { email: 'nope', bizno: dashed(wrongCheckDigit()) });
	const r = await c.post('/register', { nonce: nonceOf(g.text), ...f });
	assert.equal(r.status, 400);
	const errs = fieldErrors(r.text);
	assert.equal(errs.email, msg('err.email', 'en'));
	assert.equal(errs.bizno, msg('err.bizno_check', 'en'));
	assert.ok(!/[가-힣]/.test(errs.email + errs.bizno), 'no Korean in the English messages');
});

test('a registration form without its nonce is refused and writes nothing', async () => {
	const before = await orgCount(srv);
	const c = new Client(srv.base);
	await c.get('/register');
	const csrf = c.csrf();
	for (const nonce of [undefined, '', 'short', 'x'.repeat(43) + '!']) {
		const f = supplierFields(srv);
		const r = await c.request('POST', '/register', nonce === undefined ? { csrf, ...f } : { csrf, nonce, ...f });
		assert.equal(r.status, 400, `nonce ${JSON.stringify(nonce)}`);
	}
	assert.equal(await orgCount(srv), before);
});

test('a duplicate bizno gets a clear 409 error on the bizno field, with or without dashes', async () => {
	const { f: first, digits } = await newSupplier(srv);
	const before = await orgCount(srv);
	for (const bizno of [first.bizno, digits, '123-45-67891']) {
		const { r, f } = await registerSupplier(srv, { bizno });
		assert.equal(r.status, 409, `bizno ${bizno}`);
		assert.equal(fieldErrors(r.text).bizno, M.bizno_taken);
		assert.equal(inputValue(r.text, 'company'), f.company, 'input kept');
		assert.ok(!r.text.includes(f.password), 'password not echoed');
		assert.equal(await one(srv, `SELECT count(*) FROM portal.users WHERE login = ${q(f.login)}`), '0');
	}
	assert.equal(await orgCount(srv), before, 'no second organisation');
});

test('a login that is taken gets a 409 error on the login field and nothing is written', async () => {
	const { f: first } = await newSupplier(srv);
	const before = await orgCount(srv);
	for (const login of [first.login, 'supplier', 'admin']) {
		const { r, f } = await registerSupplier(srv, { login });
		assert.equal(r.status, 409, `login ${login}`);
		assert.equal(fieldErrors(r.text).login, M.login_taken);
		assert.equal(await one(srv, `SELECT count(*) FROM portal.org WHERE bizno = ${q(f.bizno.replace(/-/g, ''))}`), '0');
	}
	assert.equal(await orgCount(srv), before);
});

test('submitting the same form twice (same nonce) creates exactly one organisation', async () => {
	const c = new Client(srv.base);
	const g = await c.get('/register');
	const nonce = nonceOf(g.text);
	const f = supplierFields(srv);
	const before = await orgCount(srv);
	const a = await c.post('/register', { nonce, ...f });
	const b = await c.post('/register', { nonce, ...f });
	assert.equal(a.status, 303);
	assert.equal(b.status, 303, 'the repeat lands on the same success page, not an error');
	assert.equal(b.location, '/login?registered=1');
	assert.equal(await orgCount(srv), before + 1);
	assert.equal(await one(srv, `SELECT count(*) FROM portal.users WHERE login = ${q(f.login)}`), '1');
});

test('a burst of concurrent submits of one form creates exactly one organisation', async () => {
	const c = new Client(srv.base);
	const g = await c.get('/register');
	const nonce = nonceOf(g.text);
	const f = supplierFields(srv);
	const before = await orgCount(srv);
	const csrf = c.csrf();
	const rs = await Promise.all(Array.from({ length: 4 }, () =>
		c.request('POST', '/register', { csrf, nonce, ...f })));
	for (const r of rs) assert.equal(r.status, 303, errors(r.text).join('; '));
	assert.equal(await orgCount(srv), before + 1);
	const digits = f.bizno.replace(/-/g, '');
	assert.equal(await one(srv, `SELECT count(*) FROM portal.org_category oc JOIN portal.org o ON o.id = oc.org_id
		WHERE o.bizno = ${q(digits)}`), String(f.categories.length));
	assert.equal(await one(srv, `SELECT count(*) FROM portal.audit a JOIN portal.org o ON o.id = a.org_id
		WHERE o.bizno = ${q(digits)} AND a.event = 'org.register'`), '1');
});

test('invalid UTF-8, overlong sequences and NUL bytes in the body are refused with 400', async () => {
	const c = new Client(srv.base);
	const g = await c.get('/register');
	const nonce = nonceOf(g.text);
	const f = supplierFields(srv);
	const base = new URLSearchParams({ csrf: c.csrf(), nonce, ...f, categories: f.categories[0] }).toString();
	const before = await orgCount(srv);
	const bodies = [
		`${base}&company=%FF%FEbad`,
		`${base.replace(/company=[^&]*/, 'company=%C0%AFslash')}`,
		`${base.replace(/company=[^&]*/, 'company=%ED%A0%80surrogate')}`,
		`${base.replace(/representative=[^&]*/, 'representative=%EA%B9')}`,
		`${base.replace(/company=[^&]*/, 'company=nul%00byte')}`,
		`${base.replace(/address=[^&]*/, 'address=%zz')}`,
	];
	for (const body of bodies) {
		const r = await c.request('POST', '/register', body, { 'content-type': 'application/x-www-form-urlencoded' });
		assert.equal(r.status, 400, body.slice(0, 80));
	}
	// Raw (not percent-encoded) invalid bytes as well.
	const rawBody = Buffer.concat([Buffer.from(`${base}&company=`), Buffer.from([0xc3, 0x28, 0xff])]);
	const r = await c.request('POST', '/register', rawBody, { 'content-type': 'application/x-www-form-urlencoded' });
	assert.equal(r.status, 400);
	assert.equal(await orgCount(srv), before, 'nothing written');
	assert.equal(await one(srv, `SELECT count(*) FROM portal.users WHERE login = ${q(f.login)}`), '0');
});

// Regression test (fixed): an unknown (well-formed) category code is refused with 409 Conflict
// instead of a 400 validation error: register_done (portal/register.c) maps
// every non-ok result of portal.supplier_register, 'bad_category' included,
// to 409, while the profile edit answers the same mistake with 400.
test('an unknown category code is refused with a field error and nothing is written', async () => {
	const before = await orgCount(srv);
	const { r, f } = await registerSupplier(srv, { categories: [srv.cats[0], '99999999'] });
	assert.equal(fieldErrors(r.text).categories, M.categories);
	assert.equal(await orgCount(srv), before);
	assert.equal(await one(srv, `SELECT count(*) FROM portal.users WHERE login = ${q(f.login)}`), '0');
	assert.equal(r.status, 400, 'a bad input is a 400, like every other field error');
});

const XSS = `<script>alert("x")</script><img src=x onerror=alert(1)>'&"`;

test('a script in the company name is shown as text on every page that shows it', async () => {
	const { f, orgId } = await newSupplier(srv, { company: `XSS ${XSS}`, representative: `대표${XSS}`.slice(0, 50) });
	assert.equal(await one(srv, `SELECT name FROM portal.org WHERE id = ${orgId}`), f.company, 'stored as typed');
	const safe = (page, where) => {
		assert.equal(page.status, 200, where);
		assert.ok(!page.text.includes('<script>alert'), `${where}: no live <script>`);
		assert.ok(!page.text.includes('<img src=x'), `${where}: no live <img>`);
		assert.ok(page.text.includes('&lt;script&gt;alert('), `${where}: shown escaped`);
		assert.ok(!page.text.includes('&amp;lt;'), `${where}: not escaped twice`);
		assert.ok(text(page.text).includes('<script>alert("x")</script>'), `${where}: the user reads the name as typed`);
	};
	safe(await admin.get('/admin/suppliers?status=pending'), 'admin queue');
	safe(await admin.get('/notifications'), 'staff notifications');
	safe(await admin.get('/admin/audit'), 'audit trail');
	const sup = new Client(srv.base);
	await sup.login(f.login, PASSWORD);
	safe(await sup.get('/account'), 'account page');
	safe(await sup.get('/account/org'), 'profile form');
	safe(await admin.get(`/admin/suppliers/${orgId}`), 'admin detail');
	const r = await review(admin, orgId, 'approve');
	assert.equal(r.status, 303);
	safe(await new Client(srv.base).get('/'), 'home page (recently approved)');
	safe(await admin.get('/admin/suppliers?status=approved'), 'approved list');
});
