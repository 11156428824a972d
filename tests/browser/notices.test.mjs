// The tender notice journey in Chromium: an agency user drafts a notice
// (first with mistakes), the bid officer publishes it with an opening
// passphrase, and anyone finds it in the public list by part of a word.
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

// "YYYY-MM-DDTHH:MM" in Korea time, days from now.
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

test('agency drafts, officer publishes, the public finds the notice', { timeout: TEST_TIMEOUT }, async () => {
	const title = `사무용 노트북 컴퓨터 구매 ${Date.now() % 100000}`;
	const agency = await newUser(browser, srv.base);
	const a = agency.page;
	await login(a, 'agency', 'Agency!2026');
	await clickAndLoad(a, a.locator('nav').getByRole('link', { name: '공고 관리' }));
	await clickAndLoad(a, a.getByRole('link', { name: '새 입찰공고 작성' }));

	// First attempt with mistakes: a budget below the base amount, bidding
	// closing before it opens, no items.
	await control(a, '공고명').fill(title);
	await control(a, '업무 구분').selectOption({ label: '물품' });
	await control(a, '기초금액 (원)').fill('125,000,000');
	await control(a, '예산액 (원)').fill('100,000,000');
	await control(a, '계약 방법').selectOption({ label: '일반경쟁' });
	await control(a, '낙찰자 결정 방법').selectOption({ label: '적격심사' });
	await control(a, '입찰 개시').fill(seoul(2));
	await control(a, '입찰 마감').fill(seoul(1));
	await control(a, '개찰 일시').fill(seoul(3));
	await control(a, '입찰집행관').selectOption({ label: '최집행' });
	await clickAndLoad(a, a.getByRole('button', { name: '초안 저장' }));
	assert.match(await mainText(a), /입력 내용을 확인하십시오/);
	await assertFieldError(a, '예산액 (원)', '예산액은 기초금액보다 작을 수 없습니다.');
	await assertFieldError(a, '입찰 마감', '입찰 마감은 입찰 개시보다 뒤여야 합니다.');
	assert.match(await mainText(a), /구매 품목을 하나 이상 입력하십시오/);
	assert.equal(await control(a, '공고명').inputValue(), title, 'typed title kept');
	await shot(a, '21-notice-errors-ko.png');

	// Corrected.
	await control(a, '예산액 (원)').fill('130,000,000');
	await control(a, '입찰 개시').fill(seoul(-1));
	await control(a, '입찰 마감').fill(seoul(7));
	await control(a, '개찰 일시').fill(seoul(7));
	await a.getByLabel('물품분류번호 1').fill('43211503');
	await a.getByLabel('수량 1').fill('50');
	await a.getByLabel('단위 1').fill('대');
	await clickAndLoad(a, a.getByRole('button', { name: '초안 저장' }));
	assert.match(a.url(), /\/notices\/\d+\?ok=saved$/);
	const url = new URL(a.url()).pathname;
	assert.match(await mainText(a), /초안/);
	assert.match(await mainText(a), /노트북컴퓨터/);
	await shot(a, '22-notice-draft-ko.png');

	// The officer publishes with an opening passphrase.
	const officer = await newUser(browser, srv.base);
	const o = officer.page;
	await login(o, 'officer', 'Officer!2026');
	await o.goto(url);
	await clickAndLoad(o, o.getByRole('link', { name: '공고하기' }));
	await control(o, '개찰 암호').fill('짧은암호');
	await control(o, '개찰 암호 확인').fill('짧은암호');
	await clickAndLoad(o, o.getByRole('button', { name: '공고 게시' }));
	await assertFieldError(o, '개찰 암호', '개찰 암호는 12자 이상이어야 합니다.');
	await control(o, '개찰 암호').fill('서울 청사 개찰 2026 봄');
	await control(o, '개찰 암호 확인').fill('서울 청사 개찰 2026 봄');
	await shot(o, '23-notice-publish-ko.png');
	await clickAndLoad(o, o.getByRole('button', { name: '공고 게시' }));
	assert.match(o.url(), /\?ok=published$/);
	const detail = await mainText(o);
	assert.match(detail, /공고를 게시했습니다/);
	assert.match(detail, /G2B-\d{4}-\d{6}-01/);
	assert.match(detail, /입찰 진행 중/);
	assert.match(detail, /낙찰하한율 84\.245%/);
	await shot(o, '24-notice-published-ko.png');

	// Anyone finds it by part of a word.
	const visitor = await newUser(browser, srv.base);
	const v = visitor.page;
	await v.goto('/');
	await clickAndLoad(v, v.locator('nav').getByRole('link', { name: '입찰공고' }));
	await control(v, '검색어').fill('노트북');
	await clickAndLoad(v, v.getByRole('button', { name: '검색' }));
	const list = await mainText(v);
	assert.ok(list.includes(title), 'the notice is found by part of its title');
	assert.match(list, /125,000,000/);
	await shot(v, '25-notices-search-ko.png');
	await clickAndLoad(v, v.getByRole('link', { name: title }));
	assert.match(await mainText(v), /복수예비가격 범위/);
	for (const p of [a, o, v]) assert.deepEqual(p.problems, []);
	await agency.context.close();
	await officer.context.close();
	await visitor.context.close();
});

test('the notice list in English on a phone does not scroll sideways', { timeout: TEST_TIMEOUT }, async () => {
	const { context, page } = await newUser(browser, srv.base, {
		viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
	});
	await page.goto('/lang?to=en&next=/notices');
	assert.equal(await page.locator('html').getAttribute('lang'), 'en');
	assert.match(await mainText(page), /Tender notices/);
	const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
	assert.ok(wide <= 0, `page is ${wide}px wider than the screen`);
	await shot(page, '26-notices-mobile-en.png');
	await context.close();
});
