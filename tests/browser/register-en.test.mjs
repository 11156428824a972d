// Supplier registration, review and approval in real Chromium, in English (chosen with the header language link).
import { test, before, after } from 'node:test';
import { startServer } from '../lib/harness.mjs';
import { launch } from './support.mjs';
import { journey } from './journey.mjs';

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

journey(test, 'en', () => srv, () => browser);
