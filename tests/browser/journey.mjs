// The supplier registration journey, written once and run in Korean
// (register-ko.test.mjs) and in English (register-en.test.mjs). Every
// string below is what the user reads or clicks in that language.
import assert from 'node:assert/strict';
import { uniqueBizno } from '../lib/harness.mjs';
import {
	newUser, shot, mainText, headerText, assertFieldError, assertNoFieldError,
	rand, badCheckDigit, dashed, clickAndLoad, control,
} from './support.mjs';

export const L = {
	ko: {
		htmlLang: 'ko',
		switchTo: null,
		home: '공공조달, 한 곳에서 투명하게',
		navMain: '주 메뉴',
		navRegister: '조달업체 등록',
		navLogin: '로그인',
		navReview: '업체 등록 심사',
		navNotifications: '알림',
		registerTitle: '조달업체 등록 신청',
		submit: '등록 신청',
		formError: '입력 내용을 확인하십시오. 표시된 항목을 고쳐 다시 제출하십시오.',
		f: {
			bizno: '사업자등록번호', company: '상호(업체명)', representative: '대표자',
			bizType: '업종', region: '소재지(시·도)', address: '주소', licences: '면허·자격',
			contact: '담당자 이름', email: '이메일', phone: '전화번호',
			login: '아이디', password: '비밀번호', password2: '비밀번호 확인',
			categories: '취급 품목(물품분류)', accountGroup: '로그인 계정',
		},
		err: {
			biznoCheck: '유효하지 않은 사업자등록번호입니다 (검증번호 불일치).',
			required: '필수 입력 항목입니다.',
			choose: '목록에서 선택하십시오.',
			categories: '취급 품목을 하나 이상 목록에서 고르십시오.',
			agree: '약관에 동의해야 등록할 수 있습니다.',
		},
		agree: '개인정보 수집·이용 및 전자조달 이용약관에 동의합니다.',
		data: {
			company: `(주)브라우저시험 ${rand(4)}`,
			representative: '홍길동',
			address: '대전광역시 서구 청사로 189',
			region: '대전광역시',
			bizType: '제조',
			licences: '소프트웨어사업자\n직접생산확인',
			contact: '김담당',
		},
		segment: '44000000 사무기기 및 사무용품',
		cats: ['44101501 복사기', '44101503 복합기'],
		loginTitle: '로그인',
		loginSubmit: '로그인',
		registered: '등록 신청이 접수되었습니다. 로그인하면 심사 상태를 확인할 수 있습니다.',
		accountTitle: '내 계정',
		statusPending: '등록 상태: 심사 대기',
		pendingHelp: '조달청 담당자가 등록 신청을 검토하고 있습니다.',
		statusApproved: '등록 상태: 승인',
		approvedHelp: '등록이 승인되었습니다.',
		reasonLabel: '사유',
		pendingTab: '심사 대기',
		reason: '서류 확인 완료. 승인합니다.',
		approve: '승인',
		reviewed: '심사 결과를 저장하고 업체에 알렸습니다.',
		pillApproved: '승인',
		pillPending: '심사 대기',
		categoriesHeading: '취급 품목(물품분류)',
		notifTitle: '알림',
		notifApproved: '조달업체 등록이 승인되었습니다.',
		newRegistration: (name) => `새 조달업체 등록 신청: ${name}`,
		markAll: '모두 읽음으로 표시',
		roleSupplier: '조달업체',
	},
	en: {
		htmlLang: 'en',
		switchTo: 'English',
		home: 'Public procurement, open and in one place',
		navMain: 'Main menu',
		navRegister: 'Register a supplier',
		navLogin: 'Log in',
		navReview: 'Registration review',
		navNotifications: 'Notifications',
		registerTitle: 'Supplier registration',
		submit: 'Submit registration',
		formError: 'Please check your input and correct the marked fields.',
		f: {
			bizno: 'Business registration number', company: 'Company name',
			representative: 'Representative', bizType: 'Business type', region: 'Region',
			address: 'Address', licences: 'Licences', contact: 'Contact name',
			email: 'E-mail', phone: 'Phone', login: 'User ID', password: 'Password',
			password2: 'Confirm password', categories: 'Item categories',
			accountGroup: 'Login account',
		},
		err: {
			biznoCheck: 'This business registration number is not valid (check digit mismatch).',
			required: 'This field is required.',
			choose: 'Choose an option from the list.',
			categories: 'Choose at least one item category from the list.',
			agree: 'You must accept the terms to register.',
		},
		agree: 'I agree to the collection and use of personal data and to the e-procurement terms of use.',
		data: {
			company: `Browser Test Trading ${rand(4)}`,
			representative: 'Jane Doe',
			address: '189 Cheongsa-ro, Seo-gu, Daejeon',
			region: 'Daejeon',
			bizType: 'Manufacturer',
			licences: 'Software business\nDirect production certificate',
			contact: 'Jane Doe',
		},
		segment: '44000000 Office Equipment and Accessories and Supplies',
		cats: ['44101501 Photocopiers', '44101503 Multifunction machines'],
		loginTitle: 'Log in',
		loginSubmit: 'Log in',
		registered: 'Your registration was received. Log in to follow its review.',
		accountTitle: 'My account',
		statusPending: 'Registration status: Pending review',
		pendingHelp: 'Procurement staff are reviewing your registration.',
		statusApproved: 'Registration status: Approved',
		approvedHelp: 'Your registration is approved.',
		reasonLabel: 'Reason',
		pendingTab: 'Pending review',
		reason: 'Documents checked. Approved.',
		approve: 'Approve',
		reviewed: 'The decision was saved and the supplier notified.',
		pillApproved: 'Approved',
		pillPending: 'Pending review',
		categoriesHeading: 'Item categories',
		notifTitle: 'Notifications',
		notifApproved: 'Your supplier registration was approved.',
		newRegistration: (name) => `New supplier registration: ${name}`,
		markAll: 'Mark all as read',
		roleSupplier: 'Supplier',
	},
};

async function assertLang(page, t) {
	assert.equal(await page.locator('html').getAttribute('lang'), t.htmlLang);
}

// The unread count shown in the header's notifications link.
export async function unreadCount(page, t) {
	const link = page.locator('header').getByRole('link', { name: new RegExp(`^${t.navNotifications}`) });
	const name = (await link.innerText()).replace(/\s+/g, ' ').trim();
	const m = name.match(/(\d+)$/);
	assert.ok(m, `notifications link shows a count: "${name}"`);
	return Number(m[1]);
}

// A user arriving on the home page, switching language with the header link
// when the journey is not in Korean (the default).
export async function openHome(page, t) {
	await page.goto('/');
	await assertLang(page, 'ko' === t.htmlLang ? t : L.ko);
	if (t.switchTo) {
		await clickAndLoad(page, page.locator('header').getByRole('link', { name: t.switchTo, exact: true }));
		assert.equal(new URL(page.url()).pathname, '/');
	}
	await assertLang(page, t);
	assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), t.home);
}

async function logIn(page, t, user, password) {
	await page.locator('header').getByRole('link', { name: t.navLogin, exact: true }).click();
	await page.waitForURL((u) => u.pathname === '/login');
	await control(page, t.f.login).fill(user);
	await control(page, t.f.password).fill(password);
	await Promise.all([
		page.waitForURL((u) => u.pathname === '/account'),
		page.getByRole('button', { name: t.loginSubmit, exact: true }).click(),
	]);
}

export function journey(test, lang, getSrv, getBrowser) {
	const t = L[lang];
	const good = uniqueBizno();
	const bad = badCheckDigit(good);
	const login = `bt${lang}${rand(6)}`;
	const password = 'Browser!2026x';
	const state = {};
	const opts = { timeout: 120_000 };
	// Steps depend on one another: once one fails, the rest are skipped
	// instead of failing for the same cause.
	let broken = null;
	const step = (name, fn) => test(name, opts, async (tc) => {
		if (broken) { tc.skip(`earlier step failed: ${broken}`); return; }
		try { await fn(); } catch (e) { broken = name; throw e; }
	});

	step(`[${lang}] anonymous user opens the home page and the registration form`, async () => {
		const { context, page } = await newUser(getBrowser(), getSrv().base);
		state.supplierCtx = context;
		state.supplier = page;
		await openHome(page, t);
		await shot(page, `01-home-${lang}.png`);
		await page.locator('header').getByRole('link', { name: t.navRegister, exact: true }).click();
		await page.waitForURL((u) => u.pathname === '/register');
		await assertLang(page, t);
		assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), t.registerTitle);
	});

	step(`[${lang}] a form with mistakes shows per-field errors and keeps what was typed`, async () => {
		const page = state.supplier;
		const f = t.f;
		// A plausible number with a wrong check digit, some fields left
		// empty, no category, terms not accepted.
		await control(page, f.bizno).fill(dashed(bad));
		await control(page, f.company).fill(t.data.company);
		await control(page, f.licences).fill(t.data.licences);
		await control(page, f.contact).fill(t.data.contact);
		await control(page, f.email).fill(`${login}@example.kr`);
		await control(page, f.phone).fill('042-481-4000');
		await control(page, f.login).fill(login);
		await control(page, f.password).fill(password);
		await control(page, f.password2).fill(password);
		await clickAndLoad(page, page.getByRole('button', { name: t.submit, exact: true }));
		await assertLang(page, t);
		assert.equal(new URL(page.url()).pathname, '/register');
		assert.equal(await page.getByRole('alert').innerText(), t.formError);

		await assertFieldError(page, f.bizno, t.err.biznoCheck);
		await assertFieldError(page, f.representative, t.err.required);
		await assertFieldError(page, f.address, t.err.required);
		await assertFieldError(page, f.region, t.err.choose);
		await assertFieldError(page, f.bizType, t.err.choose);
		for (const ok of [f.company, f.contact, f.email, f.phone, f.login]) {
			await assertNoFieldError(page, ok);
		}
		const cats = page.getByRole('group', { name: f.categories, exact: true });
		assert.ok((await cats.innerText()).includes(t.err.categories), 'category error shown in its group');
		const account = page.getByRole('group', { name: f.accountGroup, exact: true });
		assert.ok((await account.innerText()).includes(t.err.agree), 'terms error shown in the account group');

		// What was typed is still there.
		assert.equal(await control(page, f.bizno).inputValue(), dashed(bad));
		assert.equal(await control(page, f.company).inputValue(), t.data.company);
		assert.equal(await control(page, f.licences).inputValue(), t.data.licences);
		assert.equal(await control(page, f.contact).inputValue(), t.data.contact);
		assert.equal(await control(page, f.email).inputValue(), `${login}@example.kr`);
		assert.equal(await control(page, f.phone).inputValue(), '042-481-4000');
		assert.equal(await control(page, f.login).inputValue(), login);
		await shot(page, `02-register-errors-${lang}.png`);
	});

	step(`[${lang}] the corrected form with categories picked from a segment is accepted`, async () => {
		const page = state.supplier;
		const f = t.f;
		await control(page, f.bizno).fill(good);
		await control(page, f.representative).fill(t.data.representative);
		await control(page, f.bizType).selectOption({ label: t.data.bizType });
		await control(page, f.region).selectOption({ label: t.data.region });
		await control(page, f.address).fill(t.data.address);
		// Passwords are never sent back to the browser: type them again.
		await control(page, f.password).fill(password);
		await control(page, f.password2).fill(password);

		// Categories: open one segment and tick two items in it.
		const first = page.getByRole('checkbox', { name: t.cats[0], exact: true });
		assert.equal(await first.isVisible(), false, 'segments start closed');
		await page.getByText(t.segment, { exact: true }).click();
		for (const c of t.cats) {
			const box = page.getByRole('checkbox', { name: c, exact: true });
			await box.check();
			assert.equal(await box.isChecked(), true);
		}
		await page.getByRole('checkbox', { name: t.agree, exact: true }).check();
		await shot(page, `03-register-filled-${lang}.png`);

		await Promise.all([
			page.waitForURL((u) => u.pathname === '/login'),
			page.getByRole('button', { name: t.submit, exact: true }).click(),
		]);
		await assertLang(page, t);
		assert.equal(new URL(page.url()).search, '?registered=1');
		assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), t.loginTitle);
		assert.equal(await page.getByRole('status').innerText(), t.registered);
		await shot(page, `04-login-registered-${lang}.png`);
	});

	step(`[${lang}] the new supplier logs in and sees the pending status`, async () => {
		const page = state.supplier;
		await control(page, t.f.login).fill(login);
		await control(page, t.f.password).fill(password);
		await Promise.all([
			page.waitForURL((u) => u.pathname === '/account'),
			page.getByRole('button', { name: t.loginSubmit, exact: true }).click(),
		]);
		await assertLang(page, t);
		assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), t.accountTitle);
		const status = (await page.locator('main').getByRole('status').innerText()).replace(/\s+/g, ' ');
		assert.ok(status.includes(t.statusPending), `status: ${status}`);
		assert.ok(status.includes(t.pendingHelp), `status help: ${status}`);
		const main = await mainText(page);
		assert.ok(main.includes(t.data.company), 'account shows the company');
		assert.ok(main.includes(dashed(good)), 'account shows the business number');
		const header = await headerText(page);
		assert.ok(header.includes(t.data.contact), `header names the user: ${header}`);
		assert.ok(header.includes(t.roleSupplier), `header shows the role: ${header}`);
		assert.equal(await unreadCount(page, t), 0);
		await shot(page, `05-account-pending-${lang}.png`);
	});

	step(`[${lang}] staff opens the review queue and approves the supplier with a reason`, async () => {
		const { context, page } = await newUser(getBrowser(), getSrv().base);
		state.staffCtx = context;
		await openHome(page, t);
		await logIn(page, t, 'admin', 'Admin!2026');
		await assertLang(page, t);
		// Staff were told about the new registration.
		assert.ok(await unreadCount(page, t) >= 1, 'staff have an unread notification');
		const nav = page.getByRole('navigation', { name: t.navMain, exact: true });
		await nav.getByRole('link', { name: t.navReview, exact: true }).click();
		await page.waitForURL((u) => u.pathname === '/admin/suppliers');
		assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), t.navReview);
		const row = page.getByRole('row').filter({ hasText: t.data.company });
		assert.equal(await row.count(), 1, 'the new supplier is in the pending queue');
		assert.ok((await row.innerText()).includes(dashed(good)), 'queue shows the business number');
		await shot(page, `06-review-queue-${lang}.png`);

		const [res] = await Promise.all([
			page.waitForResponse((r) => /^\/admin\/suppliers\/\d+$/.test(new URL(r.url()).pathname)),
			row.getByRole('link', { name: t.data.company, exact: true }).click(),
		]);
		await page.waitForLoadState('load');
		assert.equal(res.status(), 200, `the review page answers 200, not ${res.status()} ` +
			`("${await page.getByRole('heading', { level: 1 }).innerText()}")`);
		const h1 = (await page.getByRole('heading', { level: 1 }).innerText()).replace(/\s+/g, ' ');
		assert.ok(h1.includes(t.data.company) && h1.includes(t.pillPending), `heading: ${h1}`);
		const main = await mainText(page);
		for (const c of t.cats) assert.ok(main.includes(c), `categories listed: ${c}`);
		assert.ok(main.includes(t.data.representative) && main.includes(t.data.address));
		await control(page, t.reasonLabel).fill(t.reason);
		await shot(page, `07-review-supplier-${lang}.png`);
		await Promise.all([
			page.waitForURL((u) => u.searchParams.get('ok') === 'reviewed'),
			page.getByRole('button', { name: t.approve, exact: true }).click(),
		]);
		assert.equal(await page.locator('main').getByRole('status').innerText(), t.reviewed);
		const after = (await page.getByRole('heading', { level: 1 }).innerText()).replace(/\s+/g, ' ');
		assert.ok(after.includes(t.pillApproved), `heading after approval: ${after}`);
		assert.equal(await page.getByRole('button', { name: t.approve, exact: true }).count(), 0,
			'no second decision offered');
		await shot(page, `08-review-approved-${lang}.png`);

		// The staff member's inbox names the registration.
		await page.locator('header').getByRole('link', { name: new RegExp(`^${t.navNotifications}`) }).click();
		await page.waitForURL((u) => u.pathname === '/notifications');
		assert.ok((await mainText(page)).includes(t.newRegistration(t.data.company)),
			'staff notification names the new supplier');
		assert.deepEqual(page.problems, [], 'no console errors or failed requests');
		await context.close();
	});

	step(`[${lang}] the supplier reloads, sees the approval and reads the notification`, async () => {
		const page = state.supplier;
		await page.reload();
		const status = (await page.locator('main').getByRole('status').innerText()).replace(/\s+/g, ' ');
		assert.ok(status.includes(t.statusApproved), `status: ${status}`);
		assert.ok(status.includes(t.approvedHelp), `status help: ${status}`);
		assert.ok(status.includes(t.reason), `reason shown: ${status}`);
		assert.equal(await unreadCount(page, t), 1);
		await shot(page, `09-account-approved-${lang}.png`);

		await page.locator('header').getByRole('link', { name: new RegExp(`^${t.navNotifications}`) }).click();
		await page.waitForURL((u) => u.pathname === '/notifications');
		assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), t.notifTitle);
		const items = page.locator('main').getByRole('listitem');
		assert.equal(await items.count(), 1);
		assert.ok((await items.first().innerText()).includes(t.notifApproved));
		await shot(page, `10-notifications-${lang}.png`);

		await clickAndLoad(page, page.getByRole('button', { name: t.markAll, exact: true }));
		assert.equal(new URL(page.url()).pathname, '/notifications');
		assert.equal(await unreadCount(page, t), 0, 'badge clears once read');
		assert.equal(await page.getByRole('button', { name: t.markAll, exact: true }).count(), 0);
		assert.deepEqual(page.problems, [], 'no console errors or failed requests');
		await state.supplierCtx.close();
	});
}
