// Nominated competition (지명경쟁) in Chromium: an agency user drafts a
// nominated notice naming the suppliers by 사업자등록번호 (first with a
// company that is not approved, refused by name), the bid officer
// publishes it, and a nominated supplier and a visitor read the list.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/harness.mjs';
import {
	launch, newUser, shot, mainText, control, assertFieldError, clickAndLoad, TEST_TIMEOUT,
} from './support.mjs';

let srv;
let browser;
before(async () => {
	srv = await startServer();
	browser = await launch();
});
after(async () => {
	await browser?.close();
	await srv?.stop();
});

function seoul(days) {
	const d = new Date(Date.now() + days * 86400000 + 9 * 3600000);
	return d.toISOString().slice(0, 13) + ':00';
}

async function login(page, user, password) {
	await page.goto('/login');
	await control(page, '아이디').fill(user);
	await control(page, '비밀번호').fill(password);
	await clickAndLoad(page, page.getByRole('button', { name: '로그인' }));
}

test('agency nominates suppliers, officer publishes, a nominee and the public see the list', { timeout: TEST_TIMEOUT }, async () => {
	const title = `지명경쟁 복합기 구매 ${Date.now() % 100000}`;
	const agency = await newUser(browser, srv.base);
	const a = agency.page;
	await login(a, 'agency', 'Agency!2026');
	await a.goto('/notices/new');
	await control(a, '공고명').fill(title);
	await control(a, '업무 구분').selectOption({ label: '물품' });
	await control(a, '기초금액 (원)').fill('88,000,000');
	await control(a, '예산액 (원)').fill('90,000,000');
	await control(a, '계약 방법').selectOption({ label: '지명경쟁' });
	await control(a, '낙찰자 결정 방법').selectOption({ label: '최저가' });
	await control(a, '입찰 개시').fill(seoul(-1));
	await control(a, '입찰 마감').fill(seoul(7));
	await control(a, '개찰 일시').fill(seoul(7));
	await control(a, '입찰집행관').selectOption({ label: '최집행' });
	await a.getByLabel('물품분류번호 1').fill('43211503');
	await a.getByLabel('수량 1').fill('5');
	await a.getByLabel('단위 1').fill('대');
	// (주)새봄소프트 is still pending approval.
	await control(a, '지명업체 사업자등록번호').fill('123-45-67891\n206-86-00053');
	await clickAndLoad(a, a.getByRole('button', { name: '초안 저장' }));
	await assertFieldError(a, '지명업체 사업자등록번호',
		'지명할 수 없는 사업자등록번호가 있습니다. 승인된 조달업체만 지명할 수 있습니다. 아무것도 저장되지 않았습니다.');
	assert.match(await mainText(a), /206-86-00053: 승인되지 않은 업체/);
	// Announced with the field: the refused numbers and why.
	assert.match(await control(a, '지명업체 사업자등록번호').evaluate((el) => el.getAttribute('aria-describedby')), /l-nominees/);
	assert.equal(await control(a, '지명업체 사업자등록번호').inputValue(), '123-45-67891\n206-86-00053', 'typed list kept');
	await shot(a, '80-nomination-refused-ko.png');

	await control(a, '지명업체 사업자등록번호').fill('123-45-67891\n220-81-12341');
	await clickAndLoad(a, a.getByRole('button', { name: '초안 저장' }));
	assert.match(a.url(), /\/notices\/\d+\?ok=saved$/);
	const url = new URL(a.url()).pathname;
	const draft = await mainText(a);
	assert.match(draft, /지명업체/);
	assert.match(draft, /220-81-12341/);

	const officer = await newUser(browser, srv.base);
	const o = officer.page;
	await login(o, 'officer', 'Officer!2026');
	await o.goto(url);
	await clickAndLoad(o, o.getByRole('link', { name: '공고하기' }));
	await control(o, '개찰 암호').fill('지명경쟁 개찰 암호 2026');
	await control(o, '개찰 암호 확인').fill('지명경쟁 개찰 암호 2026');
	await clickAndLoad(o, o.getByRole('button', { name: '공고 게시' }));
	assert.match(o.url(), /\?ok=published$/);

	// The nominated supplier is told it may bid; the public sees the list.
	const supplier = await newUser(browser, srv.base);
	const s = supplier.page;
	await login(s, 'supplier', 'Supplier!2026');
	await s.goto(url);
	const st = await mainText(s);
	assert.match(st, /귀사는 이 공고의 지명업체입니다/);
	assert.match(st, /123-45-67891/);
	await shot(s, '81-nomination-nominee-ko.png');

	const visitor = await newUser(browser, srv.base);
	const v = visitor.page;
	await v.goto(url);
	const vt = await mainText(v);
	assert.match(vt, /지명경쟁: 아래 지명업체만 입찰할 수 있습니다/);
	assert.match(vt, /220-81-12341/);
	assert.doesNotMatch(vt, /206-86-00053/);
	await shot(v, '82-nomination-public-ko.png');
	await v.goto(`/lang?to=en&next=${url}`);
	assert.match(await mainText(v), /Nominated competition: only the companies below may bid/);
	await shot(v, '83-nomination-public-en.png');
	for (const p of [a, o, s, v]) assert.deepEqual(p.problems, []);
	for (const u of [agency, officer, supplier, visitor]) await u.context.close();
});
