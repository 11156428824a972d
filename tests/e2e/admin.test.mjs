// Staff administration: demand agencies (수요기관) and their users, role
// changes, the audit trail, and the English interface.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { text } from '../lib/harness.mjs';
import {
	boot, one, q, staff, loginAs, Client, DEMO, fieldErrors, inputValue, selectedOption,
	auditRows, uniqueLogin, tag, raw, unreadBadge, msg, newSupplier,
} from './helpers.mjs';

let srv;
let admin;
before(async () => {
	srv = await boot();
	admin = await staff(srv);
});
after(async () => { await srv?.shutdown(); });

const DEMO_CODES = new Set(['1230000', '1613000', '6110000', '6260000', '5510000', '7010000']);
function agencyCode() {
	for (;;) {
		const c = String(2000000 + Math.floor(Math.random() * 7000000));
		if (!DEMO_CODES.has(c)) return c;
	}
}

async function agencyCount() {
	return Number(await one(srv, "SELECT count(*) FROM portal.org WHERE kind = 'agency'"));
}

async function createAgency(over = {}) {
	const fields = { code: agencyCode(), name: `테스트시청 ${tag()}`, kind: 'local', region: '29',
		address: '광주광역시 서구 내방로 111', ...over };
	await admin.get('/admin/agencies');
	const r = await admin.post('/admin/agencies', fields);
	return { r, fields };
}

// An agency user made directly in the database with the demo agency user's
// password hash (Agency!2026), so that tests of role changes do not depend
// on the add-user form.
async function seedAgencyUser(role) {
	const login = uniqueLogin('ag');
	const id = await one(srv, `INSERT INTO portal.users (login, org_id, role, name, email, pwhash)
		SELECT ${q(login)}, org_id, ${q(role)}, '시드사용자', ${q(`${login}@test.example`)}, pwhash
		FROM portal.users WHERE login = 'agency' RETURNING id`);
	return { login, id, password: DEMO.agency[1] };
}

test('staff registers a demand agency: it is approved at once, listed and audited', async () => {
	const before = await agencyCount();
	const { r, fields } = await createAgency();
	assert.equal(r.status, 303);
	const m = r.location.match(/^\/admin\/agencies\/(\d+)\?ok=agency_created$/);
	assert.ok(m, `redirect to the new agency: ${r.location}`);
	const id = m[1];
	assert.equal(await agencyCount(), before + 1);
	const [row] = await srv.sql(`SELECT kind, status, name, agency_code, agency_kind, region, address, bizno IS NULL
		FROM portal.org WHERE id = ${id}`);
	assert.deepEqual(row, ['agency', 'approved', fields.name, fields.code, 'local', '29', fields.address, 't']);
	const audit = await auditRows(srv, `org_id = ${id} AND event = 'agency.create'`);
	assert.equal(audit.length, 1);
	assert.deepEqual(audit[0].detail, { code: fields.code, name: fields.name });

	const list = await admin.get('/admin/agencies');
	assert.equal(list.status, 200);
	const row2 = list.text.split('<tr>').find((tr) => tr.includes(`href="/admin/agencies/${id}"`));
	assert.ok(row2, 'listed with a link to its page');
	const t = text(row2);
	for (const v of [fields.code, fields.name, msg('agency_kind.local'), msg('region.29')]) assert.ok(t.includes(v), `list shows ${v}`);
});

test('the new agency has its own page with its details', async () => {
	const { r, fields } = await createAgency({ kind: 'education', region: '50', address: '제주특별자치도 제주시 문연로 5' });
	assert.equal(r.status, 303);
	const page = await admin.follow(r);
	assert.equal(page.status, 200);
	const t = text(page.text);
	assert.ok(t.includes(msg('flash.agency_created')));
	for (const v of [fields.name, fields.code, msg('agency_kind.education'), msg('region.50'), fields.address]) {
		assert.ok(t.includes(v), `page shows ${v}`);
	}
	assert.ok(t.includes(msg('admin.no_users')));
});

test('a duplicate agency code is refused with a field error and nothing is written', async () => {
	const { r: first, fields } = await createAgency();
	assert.equal(first.status, 303);
	const before = await agencyCount();
	for (const code of [fields.code, '1230000']) {
		const name = `중복기관 ${tag()}`;
		const { r } = await createAgency({ code, name });
		assert.ok([400, 409].includes(r.status), `duplicate ${code}: ${r.status}`);
		assert.equal(fieldErrors(r.text).code, msg('err.agency_code_taken'));
		assert.equal(inputValue(r.text, 'code'), code, 'input kept');
		assert.equal(inputValue(r.text, 'name'), name, 'input kept');
		assert.equal(selectedOption(r.text, 'kind'), 'local', 'choice kept');
		assert.equal(await one(srv, `SELECT count(*) FROM portal.org WHERE name = ${q(name)}`), '0');
	}
	assert.equal(await agencyCount(), before);
});

test('invalid agency input gets a field error per field, status 400, nothing written', async () => {
	const before = await agencyCount();
	const cases = [
		[{ code: '12345' }, 'code', msg('err.agency_code')],
		[{ code: '12345678' }, 'code', msg('err.agency_code')],
		[{ code: 'abcdefg' }, 'code', msg('err.agency_code')],
		[{ code: '' }, 'code', msg('err.agency_code')],
		[{ name: '' }, 'name', msg('err.required')],
		[{ name: '청' }, 'name', msg('err.text_2_100')],
		[{ kind: 'army' }, 'kind', msg('err.choose')],
		[{ region: '00' }, 'region', msg('err.choose')],
	];
	for (const [over, field, message] of cases) {
		const { r, fields } = await createAgency(over);
		assert.equal(r.status, 400, JSON.stringify(over));
		const errs = fieldErrors(r.text);
		assert.equal(errs[field], message, JSON.stringify(over));
		assert.deepEqual(Object.keys(errs), [field], `only ${field} is marked`);
		if (field !== 'name') assert.equal(inputValue(r.text, 'name'), fields.name, 'name kept');
		if (field !== 'code') assert.equal(inputValue(r.text, 'code'), fields.code, 'code kept');
	}
	assert.equal(await agencyCount(), before);
});

test('staff adds an agency user and a bid officer; both log in with their roles', async () => {
	const { r: made, fields } = await createAgency();
	const id = made.location.match(/(\d+)/)[1];
	const users = [
		{ role: 'agency', login: uniqueLogin('buyer'), name: '구매담당', label: msg('role.agency'), password: 'Buyer!Pass2026' },
		{ role: 'officer', login: uniqueLogin('officer'), name: '집행관', label: msg('role.officer'), password: 'Officer!Pass2026' },
	];
	for (const u of users) {
		await admin.get('/admin/agencies');
		const r = await admin.post(`/admin/agencies/${id}`, { action: 'add_user', login: u.login, name: u.name,
			email: `${u.login}@gwangju.example`, phone: '062-120-1234', role: u.role, password: u.password });
		assert.equal(r.status, 303);
		assert.equal(r.location, `/admin/agencies/${id}?ok=user_saved`);
		assert.deepEqual((await srv.sql(`SELECT role, org_id::text, name FROM portal.users WHERE login = ${q(u.login)}`))[0],
			[u.role, id, u.name]);
		const audit = await auditRows(srv, `org_id = ${id} AND event = 'user.create' AND detail->>'login' = ${q(u.login)}`);
		assert.equal(audit.length, 1);
		assert.equal(audit[0].detail.role, u.role);
	}
	const page = await admin.get(`/admin/agencies/${id}`);
	for (const u of users) assert.ok(text(page.text).includes(u.login), `listed: ${u.login}`);
	assert.ok(!page.text.includes(users[0].password), 'initial password not shown');
	for (const u of users) {
		const c = await loginAs(srv, u.login, u.password);
		const acc = await c.get('/account');
		assert.equal(acc.status, 200);
		const t = text(acc.text);
		assert.ok(t.includes(u.label), `${u.role}: role shown`);
		assert.ok(t.includes(fields.name), `${u.role}: agency shown`);
		assert.ok(t.includes(fields.code), `${u.role}: agency code shown`);
		assert.equal((await c.get('/admin')).status, 403);
	}
});

test('the add-user form checks every field and refuses a taken login', async () => {
	const agencyId = await one(srv, "SELECT id FROM portal.org WHERE agency_code = '6110000'");
	const before = Number(await one(srv, 'SELECT count(*) FROM portal.users'));
	const good = { action: 'add_user', login: uniqueLogin('new'), name: '신규담당', email: 'new@seoul.example',
		phone: '02-120-0000', role: 'agency', password: 'Seoul!Pass2026' };
	const cases = [
		[{ login: 'Bad Login' }, 'login', msg('err.login')],
		[{ name: '김' }, 'name', msg('err.text_2_50')],
		[{ email: 'not-mail' }, 'email', msg('err.email')],
		[{ phone: '12' }, 'phone', msg('err.phone')],
		[{ password: 'weak' }, 'password', msg('err.password')],
		[{ login: 'officer' }, 'login', msg('err.login_taken')],
	];
	for (const [over, field, message] of cases) {
		await admin.get('/admin/agencies');
		const body = { ...good, ...over };
		const r = await admin.post(`/admin/agencies/${agencyId}`, body);
		assert.equal(r.status, 400, JSON.stringify(over));
		assert.equal(fieldErrors(r.text)[field], message, JSON.stringify(over));
		assert.ok(!r.text.includes(body.password), 'password not echoed');
		if (field !== 'email') assert.equal(inputValue(r.text, 'email'), body.email, 'input kept');
	}
	assert.equal(Number(await one(srv, 'SELECT count(*) FROM portal.users')), before);
});

test('changing agency user ↔ bid officer is audited and ends that user’s sessions', async () => {
	const u = await seedAgencyUser('agency');
	const agencyId = await one(srv, `SELECT org_id FROM portal.users WHERE id = ${u.id}`);
	const c = await loginAs(srv, u.login, u.password);
	assert.ok(text((await c.get('/account')).text).includes(msg('role.agency')));
	const bystander = await loginAs(srv, ...DEMO.officer);

	await admin.get('/admin/agencies');
	const r = await admin.post(`/admin/agencies/${agencyId}`, { action: 'set_role', user_id: u.id, role: 'officer' });
	assert.equal(r.status, 303);
	assert.equal(r.location, `/admin/agencies/${agencyId}?ok=user_saved`);
	assert.equal(await one(srv, `SELECT role FROM portal.users WHERE id = ${u.id}`), 'officer');
	const audit = await auditRows(srv, `event = 'user.role' AND detail->>'user' = ${q(u.id)}`);
	assert.equal(audit.length, 1);
	assert.deepEqual({ from: audit[0].detail.from, to: audit[0].detail.to }, { from: 'agency', to: 'officer' });
	const old = await c.get('/account');
	assert.equal(old.status, 303, 'the user was logged out');
	assert.match(old.location, /^\/login/);
	assert.equal((await bystander.get('/account')).status, 200, 'other users keep their sessions');
	const again = await loginAs(srv, u.login, u.password);
	assert.ok(text((await again.get('/account')).text).includes(msg('role.officer')));

	// And back.
	await admin.get('/admin/agencies');
	const back = await admin.post(`/admin/agencies/${agencyId}`, { action: 'set_role', user_id: u.id, role: 'agency' });
	assert.equal(back.status, 303);
	assert.equal(await one(srv, `SELECT role FROM portal.users WHERE id = ${u.id}`), 'agency');
	assert.equal((await auditRows(srv, `event = 'user.role' AND detail->>'user' = ${q(u.id)}`)).length, 2);
	assert.equal((await again.get('/account')).status, 303);
});

test('a supplier or staff account cannot be given an agency role', async () => {
	const agencyId = await one(srv, "SELECT id FROM portal.org WHERE agency_code = '6110000'");
	for (const login of ['supplier', 'admin']) {
		const uid = await one(srv, `SELECT id FROM portal.users WHERE login = ${q(login)}`);
		const role = await one(srv, `SELECT role FROM portal.users WHERE id = ${uid}`);
		await admin.get('/admin/agencies');
		const r = await admin.post(`/admin/agencies/${agencyId}`, { action: 'set_role', user_id: uid, role: 'officer' });
		assert.equal(r.status, 400, login);
		assert.equal(await one(srv, `SELECT role FROM portal.users WHERE id = ${uid}`), role, `${login} unchanged`);
	}
});

test('the audit trail lists events with actor, organisation and detail, newest first', async () => {
	const { r, fields } = await createAgency();
	assert.equal(r.status, 303);
	const page = await admin.get('/admin/audit');
	assert.equal(page.status, 200);
	const rows = page.text.split('<tr>').slice(2);
	assert.ok(rows.length >= 3);
	const first = rows.find((tr) => tr.includes('title="agency.create"'));
	assert.ok(first, 'the agency registration is listed');
	const t = text(first);
	assert.ok(t.includes(msg('event.agency.create')), 'event shown by its label');
	assert.ok(t.includes('admin'), 'actor shown');
	assert.ok(t.includes(fields.name), 'organisation shown');
	assert.ok(t.includes(fields.code), 'detail shown');
	assert.ok(rows.indexOf(first) < rows.findIndex((tr) => tr.includes('title="demo.seed"')), 'newest first');
	assert.ok(rows.some((tr) => tr.includes('title="login.success"') && text(tr).includes(msg('event.login.success'))));
	// Paging back from a given id shows only older events.
	const id = await one(srv, "SELECT max(id) FROM portal.audit WHERE event = 'agency.create'");
	const older = await admin.get(`/admin/audit?before=${id}`);
	assert.equal(older.status, 200);
	assert.ok(!text(older.text).includes(fields.name), 'the newer event is not on the older page');
	assert.ok(older.text.includes('title="demo.seed"'));
});

test('the staff dashboard counts match the database', async () => {
	const page = await admin.get('/admin');
	assert.equal(page.status, 200);
	const nums = [...page.text.matchAll(/<dd>(\d+)<\/dd>/g)].map((m) => Number(m[1]));
	const [pending, approved, rejected, agencies, users] = (await srv.sql(`SELECT
		(SELECT count(*) FROM portal.org WHERE kind = 'supplier' AND status = 'pending'),
		(SELECT count(*) FROM portal.org WHERE kind = 'supplier' AND status = 'approved'),
		(SELECT count(*) FROM portal.org WHERE kind = 'supplier' AND status = 'rejected'),
		(SELECT count(*) FROM portal.org WHERE kind = 'agency'),
		(SELECT count(*) FROM portal.users WHERE active)`))[0].map(Number);
	assert.deepEqual(nums.slice(0, 5), [pending, approved, rejected, agencies, users]);
});

test('the language switch sets a cookie and pages render in English, and back in Korean', async () => {
	const c = new Client(srv.base);
	const ko = await c.get('/');
	assert.match(ko.text, /<html lang="ko">/);
	assert.match(ko.text, /href="\/lang\?to=en&amp;next=%2F"/, 'a visible switch to English');

	const r = await c.get('/lang?to=en&next=/');
	assert.equal(r.status, 303);
	assert.equal(r.location, '/');
	const cookie = r.headers.getSetCookie().find((x) => x.startsWith('g2b_lang='));
	assert.match(cookie, /^g2b_lang=en;/);
	assert.match(cookie, /Max-Age=\d{6,}/i, 'remembered across visits');
	const en = await c.get('/');
	assert.match(en.text, /<html lang="en">/);
	const t = text(en.text);
	for (const k of ['home.heading', 'nav.login', 'nav.register', 'home.agencies', 'agency_kind.central', 'region.30']) {
		assert.ok(t.includes(msg(k, 'en')), `English: ${msg(k, 'en')}`);
	}
	const chrome = text(en.text.replace(/<td>[^<]*<\/td>/g, '')).replace('한국어', '');
	assert.ok(!/[가-힣]/.test(chrome), `no Korean interface text left (organisation names aside): ${chrome.match(/\S*[가-힣]+\S*/g)}`);
	assert.match(en.text, /href="\/lang\?to=ko&amp;next=%2F"[^>]*>한국어</);
	assert.ok(text((await c.get('/login')).text).includes(msg('login.title', 'en')));
	assert.ok(text((await c.get('/nowhere')).text).includes(msg('error.404.title', 'en')));

	// Staff pages too.
	const s = await loginAs(srv, ...DEMO.admin);
	await s.get('/lang?to=en&next=/admin');
	const q1 = await s.get('/admin/suppliers');
	assert.match(q1.text, /<html lang="en">/);
	assert.ok(text(q1.text).includes(msg('admin.suppliers', 'en')));
	assert.ok(text(q1.text).includes(msg('status.pending', 'en')));

	// Back to Korean.
	const back = await c.get('/lang?to=ko&next=/login');
	assert.equal(back.location, '/login');
	const again = await c.get('/login');
	assert.match(again.text, /<html lang="ko">/);
	assert.ok(text(again.text).includes(msg('field.login')));
	// An unknown language falls back to Korean.
	const fr = await raw(srv, 'GET', '/lang?to=fr&next=/');
	assert.match(fr.headers.getSetCookie().find((x) => x.startsWith('g2b_lang=')), /^g2b_lang=ko;/);
});

test('?lang=en shows one page in English without changing the saved choice', async () => {
	const c = new Client(srv.base);
	const en = await c.get('/?lang=en');
	assert.match(en.text, /<html lang="en">/);
	const ko = await c.get('/');
	assert.match(ko.text, /<html lang="ko">/);
});

test('notifications are written in each reader’s language', async () => {
	const s = await loginAs(srv, ...DEMO.admin);
	await s.get('/lang?to=en&next=/');
	const before = unreadBadge((await s.get('/')).text);
	const { f } = await newSupplier(srv);
	const en = await s.get('/notifications');
	assert.equal(unreadBadge(en.text), before + 1);
	assert.ok(text(en.text).includes(msg('notif.new_registration', 'en', f.company)));
	const ko = await admin.get('/notifications');
	assert.ok(text(ko.text).includes(msg('notif.new_registration', 'ko', f.company)));
});
