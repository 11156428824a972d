// Supplier registration (조달업체 등록) end to end: the form, the pending
// organisation, staff review (approve / reject), notifications, and profile
// editing with its audit trail.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { text, ROOT } from '../lib/harness.mjs';
import {
	boot, one, q, newSupplier, registerSupplier, staff, review, loginAs,
	fieldErrors, unreadBadge, inputValue, textareaValue, selectedOption,
	checkedCategories, auditRows, dashed, freshBizno, errors, nonceOf, Client, msg,
} from './helpers.mjs';

let srv;
let admin;

// "등록 상태: 심사 대기" as the account page shows it.
const status = (s) => `${msg('account.org_status')}: ${msg(`status.${s}`)}`;
before(async () => {
	srv = await boot();
	admin = await staff(srv);
});
after(async () => { await srv?.shutdown(); });

test('the registration form offers every field, the category tree and a one-time nonce', async () => {
	const anon = await new Client(srv.base).get('/register');
	assert.equal(anon.status, 200);
	for (const name of ['bizno', 'company', 'representative', 'biz_type', 'region', 'address',
		'licences', 'contact', 'email', 'phone', 'login', 'password', 'password2', 'agree', 'nonce', 'csrf']) {
		assert.match(anon.text, new RegExp(`name="${name}"`), `field ${name} is on the form`);
	}
	for (const code of srv.cats) assert.match(anon.text, new RegExp(`name="categories" value="${code}"`));
	assert.ok(anon.text.includes(`<title>${msg('register.title')}`));
	const again = await new Client(srv.base).get('/register');
	assert.notEqual(nonceOf(again.text), nonceOf(anon.text), 'each form gets its own nonce');
});

test('a logged-in user who opens /register is sent to the account page', async () => {
	const r = await admin.get('/register');
	assert.equal(r.status, 303);
	assert.equal(r.location, '/account');
});

test('registering with a dashed bizno creates a pending organisation with its categories and first user', async () => {
	const before = Number(await one(srv, 'SELECT count(*) FROM portal.org'));
	const { c, r, f } = await registerSupplier(srv);
	assert.equal(r.status, 303, errors(r.text).join('; '));
	assert.equal(r.location, '/login?registered=1');
	const page = await c.follow(r);
	assert.equal(page.status, 200);
	assert.ok(text(page.text).includes(msg('login.registered')));
	assert.equal(Number(await one(srv, 'SELECT count(*) FROM portal.org')), before + 1);

	const digits = f.bizno.replace(/-/g, '');
	const [org] = await srv.sql(`SELECT id, kind, status, name, bizno, representative, address, region,
		biz_type, array_to_string(licences, '|'), contact_name, email, phone, review_reason
		FROM portal.org WHERE bizno = ${q(digits)}`);
	assert.ok(org, 'the organisation is stored under the digits-only bizno');
	const [id, kind, status, name, bizno, rep, address, region, bizType, licences, contact, email, phone, reason] = org;
	assert.deepEqual({ kind, status, name, bizno, rep, address, region, bizType, licences, contact, email, phone, reason }, {
		kind: 'supplier', status: 'pending', name: f.company, bizno: digits, rep: f.representative,
		address: f.address, region: f.region, bizType: f.biz_type, licences: '정보통신공사업|전기공사업',
		contact: f.contact, email: f.email, phone: f.phone, reason: '',
	});
	const cats = (await srv.sql(`SELECT code FROM portal.org_category WHERE org_id = ${id} ORDER BY code`)).map((x) => x[0]);
	assert.deepEqual(cats, [...f.categories].sort());
	const users = await srv.sql(`SELECT login, role, name, email, pwhash FROM portal.users WHERE org_id = ${id}`);
	assert.equal(users.length, 1, 'exactly one (first) user');
	const [login, role, uname, uemail, pwhash] = users[0];
	assert.deepEqual({ login, role, uname, uemail }, { login: f.login, role: 'supplier', uname: f.contact, uemail: f.email });
	assert.match(pwhash, /^scrypt\$/);
	assert.ok(!pwhash.includes(f.password), 'password not stored in clear');
	const audit = await auditRows(srv, `org_id = ${id} AND event = 'org.register'`);
	assert.equal(audit.length, 1);
	assert.equal(audit[0].detail.bizno, digits);
});

test('registering with a bizno without dashes works the same', async () => {
	const digits = freshBizno();
	const { r } = await registerSupplier(srv, { bizno: digits });
	assert.equal(r.status, 303, errors(r.text).join('; '));
	assert.equal(await one(srv, `SELECT status FROM portal.org WHERE bizno = ${q(digits)}`), 'pending');
});

test('the registrant logs in and sees the 심사 대기 (pending) status of the registration', async () => {
	const { f } = await newSupplier(srv);
	const c = await loginAs(srv, f.login, f.password);
	const r = await c.get('/account');
	assert.equal(r.status, 200);
	const t = text(r.text);
	assert.ok(t.includes(status('pending')));
	assert.ok(t.includes(msg('status.pending.help')));
	assert.ok(t.includes(f.company), 'company name on the account page');
	assert.ok(t.includes(f.bizno), 'formatted bizno on the account page');
	assert.match(r.text, /status-pending/);
});

test('staff sees the new registration in the pending queue and gets a notification', async () => {
	const before = unreadBadge((await admin.get('/')).text);
	const { f, orgId } = await newSupplier(srv);
	const queue = await admin.get('/admin/suppliers?status=pending');
	assert.equal(queue.status, 200);
	assert.ok(text(queue.text).includes(f.company), 'listed in the pending queue');
	assert.ok(queue.text.includes(`href="/admin/suppliers/${orgId}"`), 'linked to its review page');
	assert.ok(text(queue.text).includes(f.bizno), 'with the formatted bizno');
	const approved = await admin.get('/admin/suppliers?status=approved');
	assert.ok(!text(approved.text).includes(f.company), 'not in the approved tab');

	const inbox = await admin.get('/notifications');
	assert.equal(unreadBadge(inbox.text), before + 1, 'unread count in the header went up by one');
	assert.ok(text(inbox.text).includes(msg('notif.new_registration', 'ko', f.company)));
	assert.ok(inbox.text.includes(`href="/admin/suppliers/${orgId}"`));

	const detail = await admin.get(`/admin/suppliers/${orgId}`);
	assert.equal(detail.status, 200);
	const t = text(detail.text);
	for (const v of [f.company, f.bizno, f.representative, f.address, f.email, f.phone, f.login, msg('status.pending'),
		srv.cats[0], srv.cats[1]]) assert.ok(t.includes(v), `detail shows ${v}`);
});

test('staff approves with a reason: the supplier sees 승인, the reason and a notification', async () => {
	const { f, orgId } = await newSupplier(srv);
	const sup = await loginAs(srv, f.login, f.password);
	assert.equal(unreadBadge(sup.html), 0, 'no notification before the decision');

	const r = await review(admin, orgId, 'approve', '서류 확인 완료');
	assert.equal(r.status, 303);
	assert.equal(r.location, `/admin/suppliers/${orgId}?ok=reviewed`);
	const done = await admin.follow(r);
	assert.ok(text(done.text).includes(msg('flash.reviewed')));
	assert.ok(!done.text.includes('name="action" value="approve"'), 'no review buttons once decided');

	const [st, reason, by] = (await srv.sql(`SELECT status, review_reason, reviewed_by FROM portal.org WHERE id = ${orgId}`))[0];
	assert.equal(st, 'approved');
	assert.equal(reason, '서류 확인 완료');
	assert.equal(by, await one(srv, "SELECT id FROM portal.users WHERE login = 'admin'"));
	assert.equal((await auditRows(srv, `org_id = ${orgId} AND event = 'org.approve'`)).length, 1);

	const acc = await sup.get('/account');
	assert.ok(text(acc.text).includes(status('approved')));
	assert.ok(text(acc.text).includes('서류 확인 완료'));
	assert.equal(unreadBadge(acc.text), 1, 'one unread notification in the header');
	const inbox = await sup.get('/notifications');
	assert.ok(text(inbox.text).includes(msg('notif.approved')));

	const approved = await admin.get('/admin/suppliers?status=approved');
	assert.ok(text(approved.text).includes(f.company), 'now in the approved tab');
	const pending = await admin.get('/admin/suppliers?status=pending');
	assert.ok(!text(pending.text).includes(f.company), 'gone from the pending queue');

	// A second decision on the same organisation changes nothing.
	const again = await review(admin, orgId, 'reject', '다시 반려 시도');
	assert.equal(again.status, 303);
	assert.match(again.location, /ok=not_pending/);
	assert.equal(await one(srv, `SELECT status FROM portal.org WHERE id = ${orgId}`), 'approved');
});

test('the supplier edits its profile: the change is saved and audited with the diff', async () => {
	const { f, orgId } = await newSupplier(srv);
	const sup = await loginAs(srv, f.login, f.password);
	const form = await sup.get('/account/org');
	assert.equal(form.status, 200);
	assert.equal(inputValue(form.text, 'company'), f.company);
	assert.equal(inputValue(form.text, 'bizno'), f.bizno, 'bizno shown formatted');
	assert.match(form.text, /<input id="bizno"[^>]*readonly/);
	assert.equal(textareaValue(form.text, 'licences'), '정보통신공사업\n전기공사업');
	assert.equal(selectedOption(form.text, 'region'), '11');
	assert.equal(selectedOption(form.text, 'biz_type'), 'distributor');
	assert.deepEqual(checkedCategories(form.text).sort(), [...f.categories].sort());

	const edit = { ...f, address: '부산광역시 해운대구 센텀중앙로 97', region: '26', phone: '051-740-2000',
		licences: '정보통신공사업', categories: [srv.cats[1], srv.cats[2]] };
	delete edit.login; delete edit.password; delete edit.password2; delete edit.agree;
	const r = await sup.post('/account/org', edit);
	assert.equal(r.status, 303, errors(r.text).join('; '));
	assert.equal(r.location, '/account/org?ok=saved');
	const page = await sup.follow(r);
	assert.ok(text(page.text).includes(msg('flash.saved')));
	assert.equal(inputValue(page.text, 'address'), edit.address);
	assert.equal(selectedOption(page.text, 'region'), '26');
	assert.deepEqual(checkedCategories(page.text).sort(), [srv.cats[1], srv.cats[2]]);

	const [[address, region, phone, lic, name]] = await srv.sql(`SELECT address, region, phone,
		array_to_string(licences, '|'), name FROM portal.org WHERE id = ${orgId}`);
	assert.deepEqual({ address, region, phone, lic, name },
		{ address: edit.address, region: '26', phone: edit.phone, lic: '정보통신공사업', name: f.company });
	assert.deepEqual((await srv.sql(`SELECT code FROM portal.org_category WHERE org_id = ${orgId} ORDER BY code`)).map((x) => x[0]),
		[srv.cats[1], srv.cats[2]]);

	const audit = await auditRows(srv, `org_id = ${orgId} AND event = 'org.update'`);
	assert.equal(audit.length, 1);
	const d = audit[0].detail;
	assert.deepEqual(d.address, [f.address, edit.address]);
	assert.deepEqual(d.region, ['11', '26']);
	assert.deepEqual(d.phone, [f.phone, edit.phone]);
	assert.deepEqual(d.licences, [['정보통신공사업', '전기공사업'], ['정보통신공사업']]);
	assert.deepEqual(d.categories, [[...f.categories].sort(), [srv.cats[1], srv.cats[2]]]);
	assert.ok(!('name' in d) && !('email' in d), 'unchanged fields are not in the diff');
	assert.equal(await one(srv, `SELECT status FROM portal.org WHERE id = ${orgId}`), 'pending', 'a pending org stays pending');

	// Saving the same values again records nothing.
	const same = await sup.post('/account/org', edit);
	assert.equal(same.status, 303);
	assert.equal(same.location, '/account/org?ok=unchanged');
	assert.equal((await auditRows(srv, `org_id = ${orgId} AND event = 'org.update'`)).length, 1);
});

test('changing the bizno on edit is refused with a field error and nothing changes', async () => {
	const { f, orgId, digits } = await newSupplier(srv);
	const sup = await loginAs(srv, f.login, f.password);
	await sup.get('/account/org');
	const snapshot = async () => (await srv.sql(`SELECT o::text FROM portal.org o WHERE id = ${orgId}`))[0][0];
	const beforeRow = await snapshot();
	const other = dashed(freshBizno());
	const edit = { ...f, bizno: other, address: '대전광역시 서구 청사로 189' };
	delete edit.login; delete edit.password; delete edit.password2; delete edit.agree;
	const r = await sup.post('/account/org', edit);
	assert.equal(r.status, 400);
	assert.equal(fieldErrors(r.text).bizno, msg('err.bizno_fixed'));
	assert.equal(inputValue(r.text, 'bizno'), f.bizno, 'the form shows the registered number');
	assert.equal(await snapshot(), beforeRow, 'the organisation row is untouched');
	assert.equal(await one(srv, `SELECT bizno FROM portal.org WHERE id = ${orgId}`), digits);
	assert.equal((await auditRows(srv, `org_id = ${orgId} AND event = 'org.update'`)).length, 0);
	assert.equal(await one(srv, `SELECT count(*) FROM portal.org WHERE bizno = ${q(other.replace(/-/g, ''))}`), '0');
});

test('staff cannot reject without a reason: field error and nothing changes', async () => {
	const { orgId } = await newSupplier(srv);
	for (const reason of ['', '   ', '짧음']) {
		const r = await review(admin, orgId, 'reject', reason);
		assert.equal(r.status, 400, `reason ${JSON.stringify(reason)}`);
		assert.equal(fieldErrors(r.text).reason, msg('err.reason_required'));
		assert.match(r.text, /name="action" value="reject"/, 'the review form is shown again');
	}
	assert.equal(await one(srv, `SELECT status FROM portal.org WHERE id = ${orgId}`), 'pending');
	assert.equal((await auditRows(srv, `org_id = ${orgId} AND event IN ('org.reject', 'org.approve')`)).length, 0);
	assert.equal(await one(srv, `SELECT count(*) FROM portal.notification n JOIN portal.users u ON u.id = n.user_id
		WHERE u.org_id = ${orgId}`), '0', 'the supplier was not notified');
});

test('rejection with a reason: the supplier sees 반려 and the reason; editing sends it back to review', async () => {
	const { f, orgId } = await newSupplier(srv);
	const reason = '사업자등록증 사본의 상호가 신청 내용과 다릅니다.';
	const r = await review(admin, orgId, 'reject', reason);
	assert.equal(r.status, 303);
	assert.equal(await one(srv, `SELECT status FROM portal.org WHERE id = ${orgId}`), 'rejected');
	assert.equal((await auditRows(srv, `org_id = ${orgId} AND event = 'org.reject'`)).length, 1);

	const sup = await loginAs(srv, f.login, f.password);
	const acc = await sup.get('/account');
	const t = text(acc.text);
	assert.ok(t.includes(status('rejected')));
	assert.ok(t.includes(reason), 'the reason is shown to the supplier');
	assert.equal(unreadBadge(acc.text), 1);
	const inbox = await sup.get('/notifications');
	assert.ok(text(inbox.text).includes(msg('notif.rejected', 'ko', reason)));
	const rejected = await admin.get('/admin/suppliers?status=rejected');
	assert.ok(text(rejected.text).includes(f.company));

	const staffUnread = unreadBadge((await admin.get('/')).text);
	await sup.get('/account/org');
	const edit = { ...f, company: `${f.company} 수정` };
	delete edit.login; delete edit.password; delete edit.password2; delete edit.agree;
	const s = await sup.post('/account/org', edit);
	assert.equal(s.status, 303, errors(s.text).join('; '));
	assert.equal(await one(srv, `SELECT status FROM portal.org WHERE id = ${orgId}`), 'pending', 'back in the review queue');
	assert.equal((await auditRows(srv, `org_id = ${orgId} AND event = 'org.resubmit'`)).length, 1);
	const acc2 = await sup.get('/account');
	assert.ok(text(acc2.text).includes(status('pending')));
	const queue = await admin.get('/admin/suppliers?status=pending');
	assert.ok(text(queue.text).includes(`${f.company} 수정`), 'listed again in the pending queue');
	assert.equal(unreadBadge(queue.text), staffUnread + 1, 'staff is notified of the resubmission');
	// ... and can now approve it.
	const ok = await review(admin, orgId, 'approve');
	assert.equal(ok.status, 303);
	assert.equal(await one(srv, `SELECT status FROM portal.org WHERE id = ${orgId}`), 'approved');
});

test('the optional company size (기업 규모) is offered, stored, and checked', async () => {
	const form = await new Client(srv.base).get('/register');
	assert.match(form.text, /<select id="size_class" name="size_class"/);
	for (const code of ['large', 'midsize', 'sme', 'small', 'micro'])
		assert.match(form.text, new RegExp(`<option value="${code}">`));
	assert.ok(form.text.includes('>소기업<'), 'labels from dw/i18n/size.ko.txt');
	// Stated: stored on the organisation.
	const s = await newSupplier(srv, { size_class: 'small' });
	assert.equal(await one(srv, `SELECT size_class FROM portal.org WHERE id = ${s.orgId}`), 'small');
	// Not stated: NULL.
	const n = await newSupplier(srv, { size_class: '' });
	assert.equal(await one(srv, `SELECT coalesce(size_class, 'null') FROM portal.org WHERE id = ${n.orgId}`), 'null');
	// Not a class: the field's error, nothing stored, the choice kept out.
	const before = await one(srv, 'SELECT count(*) FROM portal.org');
	const { r } = await registerSupplier(srv, { size_class: 'huge' });
	assert.equal(r.status, 400);
	assert.equal(fieldErrors(r.text).size_class, msg('err.choose'));
	assert.equal(await one(srv, 'SELECT count(*) FROM portal.org'), before);
});

// The size labels (dw/i18n/size.*.txt), which msg() does not read.
function sizeLabel(key, lang = 'ko') {
	const file = new URL(`../../dw/i18n/size.${lang}.txt`, import.meta.url);
	for (const line of readFileSync(file, 'utf8').split('\n')) {
		const m = line.match(/^([a-z_.]+) = (.*)$/);
		if (m && m[1] === key) return m[2];
	}
	throw new Error(`no ${key} in size.${lang}.txt`);
}

test('the supplier states, changes and clears its company size on the profile page; audited, updated_at moves', async () => {
	const { f, orgId } = await newSupplier(srv);
	const sup = await loginAs(srv, f.login, f.password);
	const form = await sup.get('/account/org');
	assert.equal(form.status, 200);
	assert.match(form.text, /<select id="size_class" name="size_class"/);
	assert.ok(form.text.includes(`<option value="">${sizeLabel('size.not_stated')}</option>`), 'a "not stated" choice');
	for (const code of ['large', 'midsize', 'sme', 'small', 'micro'])
		assert.ok(form.text.includes(`<option value="${code}">${sizeLabel(`size.${code}`)}</option>`), code);
	assert.equal(selectedOption(form.text, 'size_class'), null, 'not stated at registration: nothing chosen');

	const edit = { ...f };
	delete edit.login; delete edit.password; delete edit.password2; delete edit.agree;
	// [size, updated_at in microseconds, org.update rows]
	const row = async () => (await srv.sql(`SELECT coalesce(size_class, 'null'),
		floor(extract(epoch FROM updated_at) * 1000000)::bigint,
		(SELECT count(*) FROM portal.audit a WHERE a.org_id = o.id AND a.event = 'org.update')
		FROM portal.org o WHERE id = ${orgId}`))[0];
	const lastDiff = async () => (await auditRows(srv, `org_id = ${orgId} AND event = 'org.update'`)).at(-1).detail;
	let [, stamp, naudit] = await row();

	// State it, change it, clear it: each saved, audited alone and bumping updated_at.
	for (const [from, to] of [[null, 'sme'], ['sme', 'small'], ['small', null]]) {
		const r = await sup.post('/account/org', { ...edit, size_class: to ?? '' });
		assert.equal(r.status, 303, errors(r.text).join('; '));
		assert.equal(r.location, '/account/org?ok=saved');
		const [size, at, n] = await row();
		assert.equal(size, to ?? 'null');
		assert.ok(BigInt(at) > BigInt(stamp), `updated_at moves (${stamp} -> ${at})`);
		assert.equal(Number(n), Number(naudit) + 1, 'one org.update row');
		assert.deepEqual(await lastDiff(), { size_class: [from, to] }, 'the diff is the size alone');
		const page = await sup.follow(r);
		assert.equal(selectedOption(page.text, 'size_class'), to, 'the form shows the saved size');
		[, stamp, naudit] = await row();
	}
	// Unchanged: nothing recorded, updated_at stays.
	const same = await sup.post('/account/org', { ...edit, size_class: '' });
	assert.equal(same.location, '/account/org?ok=unchanged');
	assert.deepEqual(await row(), ['null', stamp, naudit]);

	// With another field in one save: one audit row with both.
	const both = await sup.post('/account/org', { ...edit, size_class: 'micro', phone: '02-2100-3000' });
	assert.equal(both.status, 303, errors(both.text).join('; '));
	assert.deepEqual(await lastDiff(), { size_class: [null, 'micro'], phone: [f.phone, '02-2100-3000'] });
	edit.phone = '02-2100-3000';
	// A client that does not send the field leaves the size as it is.
	const old = await sup.post('/account/org', edit);
	assert.equal(old.location, '/account/org?ok=unchanged');
	assert.equal((await row())[0], 'micro');

	// A bad value: the field's error (Korean, then English), the choice not
	// kept, and nothing saved, not even the other field changed with it.
	const snapshot = async () => (await srv.sql(`SELECT o::text FROM portal.org o WHERE id = ${orgId}`))[0][0];
	const beforeRow = await snapshot();
	[, stamp, naudit] = await row();
	for (const [bad, lang] of [['huge', 'ko'], ['SME', 'ko'], ['micro ', 'en']]) {
		if (lang === 'en') await sup.get('/lang?to=en&next=/account/org');
		const r = await sup.post('/account/org', { ...edit, size_class: bad, address: '대전광역시 서구 청사로 189' });
		assert.equal(r.status, 400, `size ${JSON.stringify(bad)}`);
		assert.equal(fieldErrors(r.text).size_class, msg('err.choose', lang));
		assert.ok(text(r.text).includes(msg('err.form', lang)));
		assert.match(r.text, /<select id="size_class"[^>]*aria-invalid="true"/);
		assert.equal(selectedOption(r.text, 'size_class'), null);
		assert.equal(inputValue(r.text, 'address'), '대전광역시 서구 청사로 189', 'the input is kept');
		assert.equal(await snapshot(), beforeRow, 'the organisation row is untouched');
		assert.deepEqual(await row(), ['micro', stamp, naudit]);
	}
	await sup.get('/lang?to=ko&next=/account/org');
});

test('the size saved on the profile is checked by the database too', async () => {
	// The SQL function refuses a class the form would refuse, changing nothing.
	const { orgId } = await newSupplier(srv, { size_class: 'large' });
	const [user] = (await srv.sql(`SELECT id FROM portal.users WHERE org_id = ${orgId}`))[0];
	const [[r]] = await srv.sql(`SELECT portal.supplier_update(${user}, ${orgId}, o.name, o.representative,
		o.address, o.region, o.biz_type, o.licences, o.contact_name, o.email, o.phone,
		ARRAY(SELECT code::text FROM portal.org_category WHERE org_id = o.id), NULL, 'huge', true)
		FROM portal.org o WHERE o.id = ${orgId}`);
	assert.equal(r, 'bad_size');
	assert.equal(await one(srv, `SELECT size_class FROM portal.org WHERE id = ${orgId}`), 'large');
	// Not given: left as it is.
	const [[k]] = await srv.sql(`SELECT portal.supplier_update(${user}, ${orgId}, o.name, o.representative,
		o.address, o.region, o.biz_type, o.licences, o.contact_name, o.email, o.phone,
		ARRAY(SELECT code::text FROM portal.org_category WHERE org_id = o.id), NULL, NULL, false)
		FROM portal.org o WHERE o.id = ${orgId}`);
	assert.equal(k, 'unchanged');
	assert.equal(await one(srv, `SELECT size_class FROM portal.org WHERE id = ${orgId}`), 'large');
});

test('a size changed on the profile reaches the warehouse as a new supplier-dimension row (type 2)', async () => {
	const run = promisify(execFile);
	const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
	const etl = async () => {
		await sleep(1200);	// past the load's horizon
		await run(path.join(ROOT, 'build/g2b-etl'), ['--db', srv.dsn, '--batch', '500']);
	};
	const { f, orgId } = await newSupplier(srv, { size_class: 'small' });
	await etl();
	const dim = async () => (await srv.sql(`SELECT size_class, is_current FROM dw.dim_supplier
		WHERE org_id = ${orgId} ORDER BY valid_from`)).map(([s, c]) => [s, c]);
	assert.deepEqual(await dim(), [['small', 't']]);
	const sup = await loginAs(srv, f.login, f.password);
	const edit = { ...f, size_class: 'sme' };
	delete edit.login; delete edit.password; delete edit.password2; delete edit.agree;
	const r = await sup.post('/account/org', edit);
	assert.equal(r.status, 303, errors(r.text).join('; '));
	await etl();
	// The old class closed where the profile changed it, the new one current.
	assert.deepEqual(await dim(), [['small', 'f'], ['sme', 't']]);
	assert.equal(await one(srv, `SELECT d.valid_to = o.updated_at FROM dw.dim_supplier d
		JOIN portal.org o ON o.id = d.org_id WHERE d.org_id = ${orgId} AND NOT d.is_current`), 't');
});
