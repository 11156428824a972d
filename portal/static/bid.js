/*
 * bid.js: the browser side of electronic bidding (전자입찰).
 *
 * Two pages use it:
 *   /certificate      (#certgen)  makes an ECDSA P-256 signing key, keeps
 *                                 the private key in a password-protected
 *                                 key file for the user to save, and sends
 *                                 only the public key to be certified;
 *   /notices/ID/bid   (#bid-form) opens that key file, seals the amount and
 *                                 picks to the notice's opening key, signs
 *                                 the canonical bid and submits it.
 *
 * The byte formats are those of bidding/bidfmt.h (1: canonical bid,
 * 2: sealed part, 4: key file) and the envelope of bidding/seal.h; the
 * server checks them byte for byte, so the builders below are exact and
 * refuse anything they could not encode canonically.
 *
 * A classic script (CSP script-src 'self', no inline script, no eval). It
 * does nothing on pages without those elements. The pure format functions
 * are published as the frozen object G2BBid so that tests can exercise
 * them; nothing secret is ever stored there.
 */
(function (root) {
	'use strict';

	var KEYFILE_FORMAT = 'g2b-keyfile-v1';
	var KEYFILE_KDF = 'PBKDF2-SHA256';
	var KDF_ITER = 600000;		/* BIDFMT_KDF_ITER */
	var KDF_ITER_MIN = 1000;	/* BIDFMT_KDF_ITER_MIN */
	var KDF_ITER_MAX = 10000000;	/* BIDFMT_KDF_ITER_MAX */
	var KEYFILE_MAX = 4096;		/* BIDFMT_KEYFILE_MAX */
	var SALT_LEN = 16;
	var IV_LEN = 12;
	var TAG_LEN = 16;
	var NONCE_LEN = 16;
	var RSA_MIN_BITS = 2048;	/* SEAL_RSA_MIN_BITS */
	var PASS_MIN = 10;
	var PASS_MAX = 1024;		/* SEAL_PASS_MAX, in UTF-8 bytes */
	var AMOUNT_MAX = '10000000000000000';	/* PRICES_AMOUNT_MAX, 10^16 */
	var PICKS = 15;
	var DECLARATIONS = 'integrity,no-collusion';
	var B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz' +
	    '0123456789+/';

	/* An error whose code names the data-msg-* text to show. */
	function fail(code) {
		var e = new Error(code);
		e.g2b = code;
		return e;
	}

	/* The server's own message (in the user's language) for an error. */
	function serverFail(json) {
		var e = fail('server');

		e.text = json && typeof json.message === 'string' ?
		    json.message : '';
		return e;
	}

	/*
	 * The text to show for any error: ours name a data-msg-* text, the
	 * server's carry their message; anything else (a network failure, a
	 * WebCrypto exception in English) is just "failed".
	 */
	function errorText(e, msg) {
		if (e && e.g2b === 'server' && e.text)
			return e.text;
		if (e && e.g2b === 'noCrypto')
			return msg.msgNoCrypto;
		return msg.msgFailed;
	}

	function subtle() {
		var c = root.crypto;
		if (!c || !c.subtle || !c.getRandomValues)
			throw fail('noCrypto');
		return c.subtle;
	}

	function hasCrypto() {
		var c = root.crypto;
		return !!(c && c.subtle && c.getRandomValues);
	}

	function randomBytes(n) {
		subtle();
		return root.crypto.getRandomValues(new Uint8Array(n));
	}

	function utf8(s) {
		return new TextEncoder().encode(s);
	}

	function hex(bytes) {
		var s = '', i;

		bytes = new Uint8Array(bytes);
		for (i = 0; i < bytes.length; i++)
			s += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
		return s;
	}

	/* Standard base64 with padding, no line breaks (seal_b64_encode). */
	function b64encode(bytes) {
		var s = '', i, v, n;

		bytes = new Uint8Array(bytes);
		n = bytes.length;
		for (i = 0; i + 2 < n; i += 3) {
			v = bytes[i] << 16 | bytes[i + 1] << 8 | bytes[i + 2];
			s += B64[v >> 18 & 63] + B64[v >> 12 & 63] +
			    B64[v >> 6 & 63] + B64[v & 63];
		}
		if (n - i === 1) {
			v = bytes[i] << 16;
			s += B64[v >> 18 & 63] + B64[v >> 12 & 63] + '==';
		} else if (n - i === 2) {
			v = bytes[i] << 16 | bytes[i + 1] << 8;
			s += B64[v >> 18 & 63] + B64[v >> 12 & 63] +
			    B64[v >> 6 & 63] + '=';
		}
		return s;
	}

	/*
	 * Strict base64 as seal_b64_decode takes it: length a multiple of 4,
	 * only the alphabet, padding only at the end, and zero bits under the
	 * padding, so one byte string has exactly one text. null if not.
	 */
	function b64decode(s) {
		var n = s.length, pad = 0, out, i, j, v, d, o = 0, last;

		if (n % 4 !== 0)
			return null;
		if (n > 0 && s[n - 1] === '=')
			pad = s[n - 2] === '=' ? 2 : 1;
		out = new Uint8Array(n / 4 * 3 - pad);
		for (i = 0; i < n; i += 4) {
			last = i + 4 === n;
			v = 0;
			for (j = 0; j < 4; j++) {
				if (last && j >= 4 - pad) {
					v <<= 6;
					continue;
				}
				d = B64.indexOf(s[i + j]);
				if (d < 0)
					return null;
				v = v << 6 | d;
			}
			if (last && ((pad === 1 && (v & 0xff) !== 0) ||
			    (pad === 2 && (v & 0xffff) !== 0)))
				return null;
			out[o++] = v >> 16 & 0xff;
			if (!last || pad < 2)
				out[o++] = v >> 8 & 0xff;
			if (!last || pad < 1)
				out[o++] = v & 0xff;
		}
		return out;
	}

	/* PEM of DER bytes: base64 in 64-character lines, as OpenSSL writes. */
	function pemEncode(der, label) {
		var b = b64encode(der), s = '-----BEGIN ' + label + '-----\n', i;

		for (i = 0; i < b.length; i += 64)
			s += b.slice(i, i + 64) + '\n';
		return s + '-----END ' + label + '-----\n';
	}

	/* DER bytes of the one PEM block with this label, or null. */
	function pemDecode(pem, label) {
		var begin = '-----BEGIN ' + label + '-----';
		var end = '-----END ' + label + '-----';
		var t = String(pem).trim(), body;

		if (t.indexOf(begin) !== 0 ||
		    t.lastIndexOf(end) !== t.length - end.length)
			return null;
		body = t.slice(begin.length, t.length - end.length);
		body = body.replace(/[\r\n\t ]/g, '');
		if (body.length === 0)
			return null;
		return b64decode(body);
	}

	/*
	 * Amount in won as the user typed it (commas allowed, e.g. 1,234,500)
	 * to its canonical decimal text, or null. Compared as text: amounts
	 * up to 10^16 do not fit a double exactly.
	 */
	function amountParse(s) {
		var t = String(s).replace(/,/g, '').trim();

		if (!/^[1-9][0-9]{0,16}$/.test(t))
			return null;
		if (t.length === AMOUNT_MAX.length && t > AMOUNT_MAX)
			return null;
		return t;
	}

	function amountFormat(t) {
		return t.replace(/\B(?=(\d{3})+$)/g, ',');
	}

	/* Two distinct picks 1..15 in ascending order, or null. */
	function picksParse(list) {
		var p = [], i, v;

		for (i = 0; i < list.length; i++) {
			v = String(list[i]);
			if (!/^[1-9][0-9]?$/.test(v) || Number(v) > PICKS)
				return null;
			p.push(Number(v));
		}
		if (p.length !== 2 || p[0] === p[1])
			return null;
		return p[0] < p[1] ? p : [p[1], p[0]];
	}

	/* Format 2: the plaintext sealed to the opening key. */
	function sealedText(amount, picks) {
		var a = amountParse(amount), p = picksParse(picks);

		if (a === null || p === null || a !== String(amount))
			throw fail('failed');
		return 'g2b-sealed-bid-v1\n' +
		    'amount:' + a + '\n' +
		    'picks:' + p[0] + ',' + p[1] + '\n';
	}

	/* Field checks of format 1, as bidfmt_bid_parse makes them. */
	var BID_FIELDS = [
		['notice', /^[1-9][0-9]{0,17}$/],
		['notice-no', /^[A-Z0-9-]{1,32}$/],
		['order', /^[1-9][0-9]{0,2}$/],
		['bizno', /^[0-9]{10}$/],
		['cert', /^[0-9A-F]{1,40}$/],
		['sealed-sha256', /^[0-9a-f]{64}$/],
		['declarations', null],
		['nonce', /^[0-9a-f]{32}$/]
	];

	/*
	 * Format 1: the canonical bid, from an object with the members notice,
	 * notice-no, order, bizno, cert, sealed-sha256 and nonce (strings).
	 */
	function canonicalText(bid) {
		var s = 'g2b-bid-v1\n', i, name, v;

		for (i = 0; i < BID_FIELDS.length; i++) {
			name = BID_FIELDS[i][0];
			v = name === 'declarations' ? DECLARATIONS :
			    String(bid[name]);
			if (BID_FIELDS[i][1] !== null && !BID_FIELDS[i][1].test(v))
				throw fail('failed');
			s += name + ':' + v + '\n';
		}
		return s;
	}

	/* bidfmt_sealed_aad: binds an envelope to notice, order and bidder. */
	function sealedAad(notice, order, bizno) {
		notice = String(notice);
		order = String(order);
		bizno = String(bizno);
		if (!/^[1-9][0-9]{0,17}$/.test(notice) ||
		    !/^[1-9][0-9]{0,2}$/.test(order) || !/^[0-9]{10}$/.test(bizno))
			throw fail('failed');
		return 'bid:' + notice + ':' + order + ':' + bizno;
	}

	/*
	 * A password the C side (g2b client, bidfmt_keyfile_*) can use too:
	 * 1..SEAL_PASS_MAX bytes of UTF-8, and no NUL, where C strings end.
	 */
	function passwordOk(p) {
		var n = typeof p === 'string' ? utf8(p).length : 0;

		return n > 0 && n <= PASS_MAX && p.indexOf('\0') < 0;
	}

	function nonceHex() {
		return hex(randomBytes(NONCE_LEN));
	}

	async function sha256Hex(bytes) {
		return hex(await subtle().digest('SHA-256', bytes));
	}

	/* The AES-256-GCM key of a key file: PBKDF2-HMAC-SHA256, 32 bytes. */
	async function keyFileKdf(password, salt, iterations, usage) {
		var s = subtle();
		var base = await s.importKey('raw', utf8(password), 'PBKDF2',
		    false, ['deriveKey']);

		return s.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt: salt,
		    iterations: iterations }, base,
		    { name: 'AES-GCM', length: 256 }, false, [usage]);
	}

	/*
	 * Format 4: the key file JSON for PKCS#8 DER bytes, built by hand
	 * because the member order and the absence of whitespace are part of
	 * the format. Ends in one LF, which the format allows, so that the
	 * saved file is an ordinary text line.
	 */
	async function keyFileBuild(pkcs8, password, iterations) {
		var salt, iv, key, ct;

		if (iterations === undefined)
			iterations = KDF_ITER;
		if (!passwordOk(password))
			throw fail('failed');
		if (!Number.isInteger(iterations) || iterations < KDF_ITER_MIN ||
		    iterations > KDF_ITER_MAX)
			throw fail('failed');
		salt = randomBytes(SALT_LEN);
		iv = randomBytes(IV_LEN);
		key = await keyFileKdf(password, salt, iterations, 'encrypt');
		ct = await subtle().encrypt({ name: 'AES-GCM', iv: iv,
		    additionalData: utf8(KEYFILE_FORMAT), tagLength: 128 }, key,
		    pkcs8);
		return '{"format":"' + KEYFILE_FORMAT + '","kdf":"' + KEYFILE_KDF +
		    '","iterations":' + iterations +
		    ',"salt":"' + b64encode(salt) +
		    '","iv":"' + b64encode(iv) +
		    '","key":"' + b64encode(ct) + '"}\n';
	}

	var KEYFILE_RE = new RegExp('^\\{"format":"' + KEYFILE_FORMAT +
	    '","kdf":"' + KEYFILE_KDF + '","iterations":([1-9][0-9]{0,7})' +
	    ',"salt":"([A-Za-z0-9+/=]+)","iv":"([A-Za-z0-9+/=]+)"' +
	    ',"key":"([A-Za-z0-9+/=]+)"\\}\\n?$');

	/*
	 * Parse a key file exactly as format 4 writes it (anything else is not
	 * ours, or damaged): {iterations, salt, iv, key} or a 'key' error.
	 */
	function keyFileParse(text) {
		var m, f;

		if (typeof text !== 'string' || text.length > KEYFILE_MAX ||
		    (m = KEYFILE_RE.exec(text)) === null)
			throw fail('key');
		f = { iterations: Number(m[1]), salt: b64decode(m[2]),
		    iv: b64decode(m[3]), key: b64decode(m[4]) };
		if (f.iterations < KDF_ITER_MIN || f.iterations > KDF_ITER_MAX ||
		    f.salt === null || f.salt.length !== SALT_LEN ||
		    f.iv === null || f.iv.length !== IV_LEN ||
		    f.key === null || f.key.length <= TAG_LEN)
			throw fail('key');
		return f;
	}

	/*
	 * PKCS#8 DER bytes of a key file; a 'key' error if it is not a key
	 * file, 'keypass' if the password is wrong or the file was altered
	 * (GCM cannot tell those apart). The caller zeroes the result.
	 */
	async function keyFileOpen(text, password) {
		var f = keyFileParse(text), key, der;

		if (!passwordOk(password))
			throw fail('keypass');
		key = await keyFileKdf(password, f.salt, f.iterations, 'decrypt');
		try {
			der = await subtle().decrypt({ name: 'AES-GCM', iv: f.iv,
			    additionalData: utf8(KEYFILE_FORMAT), tagLength: 128 },
			    key, f.key);
		} catch (e) {
			throw fail('keypass');
		}
		return new Uint8Array(der);
	}

	/* A non-extractable signing key from PKCS#8 DER bytes. */
	async function signingKeyImport(pkcs8) {
		try {
			return await subtle().importKey('pkcs8', pkcs8,
			    { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
		} catch (e) {
			/* Decrypted, so the password was right: a bad key. */
			throw fail('keypass');
		}
	}

	/* Raw r||s (64 bytes), which the server accepts as well as DER. */
	async function signBytes(key, bytes) {
		return new Uint8Array(await subtle().sign(
		    { name: 'ECDSA', hash: 'SHA-256' }, key, bytes));
	}

	/*
	 * Seal plain to the RSA public key in pem with the GCM additional
	 * data aad (bytes), following the recipe at the top of seal.h:
	 *   [0x01, k >> 8, k & 0xff] || RSA-OAEP(aes key) || iv || ct || tag
	 */
	async function sealEnvelope(pem, plain, aad) {
		var s = subtle(), der = pemDecode(pem, 'PUBLIC KEY');
		var pub, aes, raw, wrap, iv, ct, env, k;

		if (der === null)
			throw fail('failed');
		pub = await s.importKey('spki', der,
		    { name: 'RSA-OAEP', hash: 'SHA-256' }, false, ['encrypt']);
		if (pub.algorithm.modulusLength < RSA_MIN_BITS)
			throw fail('failed');
		aes = await s.generateKey({ name: 'AES-GCM', length: 256 }, true,
		    ['encrypt']);
		raw = new Uint8Array(await s.exportKey('raw', aes));
		try {
			wrap = new Uint8Array(await s.encrypt({ name: 'RSA-OAEP' },
			    pub, raw));
		} finally {
			raw.fill(0);
		}
		iv = randomBytes(IV_LEN);
		ct = new Uint8Array(await s.encrypt({ name: 'AES-GCM', iv: iv,
		    additionalData: aad, tagLength: 128 }, aes, plain));
		k = wrap.length;
		env = new Uint8Array(3 + k + IV_LEN + ct.length);
		env[0] = 1;
		env[1] = k >> 8 & 0xff;
		env[2] = k & 0xff;
		env.set(wrap, 3);
		env.set(iv, 3 + k);
		env.set(ct, 3 + k + IV_LEN);
		return env;
	}

	/*
	 * Everything a bid submission posts, from the form's values:
	 * b = {notice, noticeNo, order, bizno, cert, pubkey, amount, picks}
	 * and an ECDSA signing key. Returns {canonical, sealed, signature}
	 * (texts) plus the envelope bytes.
	 */
	async function bidBuild(b, signKey) {
		var aad = sealedAad(b.notice, b.order, b.bizno);
		var env = await sealEnvelope(b.pubkey,
		    utf8(sealedText(b.amount, b.picks)), utf8(aad));
		var canonical = canonicalText({
			'notice': b.notice,
			'notice-no': b.noticeNo,
			'order': b.order,
			'bizno': b.bizno,
			'cert': b.cert,
			'sealed-sha256': await sha256Hex(env),
			'nonce': nonceHex()
		});
		var sig = await signBytes(signKey, utf8(canonical));

		return { canonical: canonical, sealed: b64encode(env),
		    signature: b64encode(sig), envelope: env };
	}

	/*
	 * A new signing key pair: the key file text (format 4) and the public
	 * key as SPKI PEM, for the certificate request.
	 */
	async function keyPairNew(password, iterations) {
		var s = subtle(), pair, pkcs8, spki, file;

		pair = await s.generateKey({ name: 'ECDSA', namedCurve: 'P-256' },
		    true, ['sign', 'verify']);
		pkcs8 = new Uint8Array(await s.exportKey('pkcs8', pair.privateKey));
		try {
			file = await keyFileBuild(pkcs8, password, iterations);
		} finally {
			pkcs8.fill(0);
		}
		spki = await s.exportKey('spki', pair.publicKey);
		return { keyFile: file, spkiPem: pemEncode(spki, 'PUBLIC KEY') };
	}

	/* ---- pages ---- */

	/* Only same-origin absolute paths: the bid never leaves the portal. */
	function localPath(p) {
		return typeof p === 'string' && /^\/[^/\\]/.test(p) ? p : null;
	}

	/* POST a form; {ok, json} where json is null if the body is not JSON. */
	async function postForm(path, fields) {
		var res, json = null;

		res = await fetch(path, { method: 'POST',
		    body: new URLSearchParams(fields), credentials: 'same-origin',
		    headers: { 'Accept': 'application/json' } });
		try {
			json = await res.json();
		} catch (e) {
			json = null;
		}
		if (json === null || typeof json !== 'object')
			json = null;
		return { ok: res.ok, json: json };
	}

	function say(el, text) {
		if (el)
			el.textContent = text || '';
	}

	function byId(id) {
		return document.getElementById(id);
	}

	/* Certificate page: make a key pair and have the public key certified. */
	function certgenInit(sec) {
		var form = byId('certgen-form'), btn = byId('certgen-btn');
		var status = byId('certgen-status'), dl = byId('certgen-download');
		var msg = sec.dataset, busy = false;

		if (!form || !btn)
			return;
		if (!hasCrypto()) {
			say(status, msg.msgNoCrypto);
			btn.disabled = true;
			return;
		}
		form.addEventListener('submit', function (ev) {
			ev.preventDefault();
			if (!busy)
				certgenSubmit();
		});

		async function certgenSubmit() {
			var p1 = byId('kf-pass'), p2 = byId('kf-pass2');
			var password, pair, r, url;

			/* Code points, not UTF-16 units: 한글 counts one each. */
			if (Array.from(p1.value).length < PASS_MIN) {
				say(status, msg.msgPassShort);
				p1.focus();
				return;
			}
			if (p1.value !== p2.value) {
				say(status, msg.msgPassMismatch);
				p2.focus();
				return;
			}
			/* Over 1024 bytes: no message of its own, it is rare. */
			if (!passwordOk(p1.value)) {
				say(status, msg.msgFailed);
				p1.focus();
				return;
			}
			busy = true;
			btn.disabled = true;
			say(status, msg.msgWorking);
			password = p1.value;
			try {
				pair = await keyPairNew(password, KDF_ITER);
				/* Not needed any more: do not keep it around. */
				password = null;
				p1.value = '';
				p2.value = '';
				r = await postForm('/certificate',
				    { csrf: msg.csrf || '', spki: pair.spkiPem });
				if (!r.ok || !r.json || typeof r.json.serial !== 'string')
					throw serverFail(r.json);
			} catch (e) {
				password = null;
				busy = false;
				btn.disabled = false;
				say(status, errorText(e, msg));
				return;
			}
			/*
			 * The certificate exists now, and the key file is its
			 * only private key: offer it and wait for the user to
			 * save it before the page shows the new list. The button
			 * stays disabled so a second key is not made by mistake.
			 */
			url = URL.createObjectURL(new Blob([pair.keyFile],
			    { type: 'application/json' }));
			pair = null;
			say(status, (msg.msgDone || '') + ' ' + r.json.serial);
			if (dl) {
				dl.href = url;
				dl.hidden = false;
				dl.addEventListener('click', function () {
					/* Let the download start before leaving. */
					setTimeout(function () {
						root.location.reload();
					}, 1500);
				}, { once: true });
				dl.focus();
			}
		}
	}

	/* Bid page: at most two of the 15 preliminary prices may be picked. */
	function picksInit(fieldset) {
		var boxes = fieldset.querySelectorAll(
		    'input[type="checkbox"][name="pick"]');
		var fixed = [], i;

		/* Boxes the server disabled stay disabled. */
		for (i = 0; i < boxes.length; i++)
			fixed.push(boxes[i].disabled);

		function update() {
			var n = 0, j;

			for (j = 0; j < boxes.length; j++)
				if (boxes[j].checked)
					n++;
			for (j = 0; j < boxes.length; j++)
				if (!fixed[j])
					boxes[j].disabled = n >= 2 &&
					    !boxes[j].checked;
		}
		fieldset.addEventListener('change', update);
		update();
		return boxes;
	}

	function bidInit(form) {
		var msg = form.dataset, busy = false;
		var status = byId('bid-status'), btn = byId('bid-submit');
		var amount = byId('bid-amount'), picksSet = byId('bid-picks');
		var boxes = picksSet ? picksInit(picksSet) : [];
		var marked = [];

		if (!hasCrypto()) {
			say(status, msg.msgNoCrypto);
			if (btn)
				btn.disabled = true;
			return;
		}
		if (amount) {
			/* Show 1234500 as 1,234,500 once typed, as on paper. */
			amount.addEventListener('blur', function () {
				var a = amountParse(amount.value);

				if (a !== null)
					amount.value = amountFormat(a);
			});
		}

		function unmark() {
			while (marked.length > 0)
				marked.pop().removeAttribute('aria-invalid');
		}

		/* Show a problem with one field and put the user there. */
		function problem(el, text) {
			say(status, text);
			if (el) {
				el.setAttribute('aria-invalid', 'true');
				marked.push(el);
				el.focus();
			}
			return null;
		}

		/* The form's values, or null after showing what is missing. */
		function collect() {
			var a = amountParse(amount ? amount.value : '');
			var picks = [], i, cert = byId('bid-cert');
			var file = byId('bid-keyfile'), pass = byId('bid-keypass');
			var d1 = byId('decl-integrity'), d2 = byId('decl-collusion');

			unmark();
			if (a === null)
				return problem(amount, msg.msgAmount);
			for (i = 0; i < boxes.length; i++)
				if (boxes[i].checked)
					picks.push(boxes[i].value);
			if (picks.length !== 2 || picksParse(picks) === null)
				return problem(boxes[0], msg.msgPicks);
			if (!d1 || !d1.checked)
				return problem(d1, msg.msgDecl);
			if (!d2 || !d2.checked)
				return problem(d2, msg.msgDecl);
			if (!cert || !/^[0-9A-F]{1,40}$/.test(cert.value))
				return problem(cert, msg.msgKey);
			if (!file || !file.files || file.files.length !== 1)
				return problem(file, msg.msgKey);
			if (!pass || pass.value === '')
				return problem(pass, msg.msgKeypass);
			return { amount: a, picks: picksParse(picks),
			    cert: cert.value, file: file.files[0], pass: pass,
			    certPem: certPem(cert) };
		}

		/*
		 * The selected certificate's PEM, sent with the bid (as CMS
		 * signed data carries its signer) so the server need not look
		 * it up; "" when the page did not provide it.
		 */
		function certPem(sel) {
			var o = sel.options[sel.selectedIndex];

			return (o && o.getAttribute('data-pem')) || '';
		}

		/* The key file as text; it is ASCII, anything else is not it. */
		async function readKeyFile(file) {
			var bytes, i;

			if (file.size > KEYFILE_MAX)
				throw fail('key');
			bytes = new Uint8Array(await file.arrayBuffer());
			for (i = 0; i < bytes.length; i++)
				if (bytes[i] > 0x7e || (bytes[i] < 0x20 &&
				    bytes[i] !== 0x0a))
					throw fail('key');
			return new TextDecoder().decode(bytes);
		}

		async function submit() {
			var v = collect(), pkcs8, signKey, text, out, r, fields;
			var pem = byId('bid-pubkey'), action = localPath(msg.action);

			if (v === null)
				return;
			busy = true;
			if (btn)
				btn.disabled = true;
			say(status, msg.msgWorking);
			try {
				if (!pem || action === null)
					throw fail('failed');
				text = await readKeyFile(v.file);
				try {
					pkcs8 = await keyFileOpen(text, v.pass.value);
				} finally {
					/* Used once; the user types it again. */
					v.pass.value = '';
				}
				try {
					signKey = await signingKeyImport(pkcs8);
				} finally {
					pkcs8.fill(0);
				}
				out = await bidBuild({ notice: msg.notice,
				    noticeNo: msg.noticeNo, order: msg.order,
				    bizno: msg.bizno, cert: v.cert,
				    pubkey: pem.value || pem.textContent,
				    amount: v.amount, picks: v.picks }, signKey);
				signKey = null;
				fields = { csrf: msg.csrf || '',
				    canonical: out.canonical, sealed: out.sealed,
				    signature: out.signature };
				if (v.certPem !== '')
					fields.certificate = v.certPem;
				r = await postForm(action, fields);
				if (r.ok && r.json && /^[1-9][0-9]*$/.test(
				    String(r.json.bid_id))) {
					root.location.assign('/bids/' +
					    String(r.json.bid_id) + '/receipt');
					return;
				}
				throw serverFail(r.json);
			} catch (e) {
				signKey = null;
				busy = false;
				if (btn)
					btn.disabled = false;
				bidError(e, v);
			}
		}

		function bidError(e, v) {
			if (e.g2b === 'key')
				problem(byId('bid-keyfile'), msg.msgKey);
			else if (e.g2b === 'keypass')
				problem(v.pass, msg.msgKeypass);
			else
				say(status, errorText(e, msg));
		}

		form.addEventListener('submit', function (ev) {
			ev.preventDefault();
			if (!busy)
				submit();
		});
	}

	function init() {
		var sec = byId('certgen'), form = byId('bid-form');

		if (sec)
			certgenInit(sec);
		if (form)
			bidInit(form);
	}

	root.G2BBid = Object.freeze({
		b64encode: b64encode,
		b64decode: b64decode,
		hex: hex,
		pemEncode: pemEncode,
		pemDecode: pemDecode,
		amountParse: amountParse,
		amountFormat: amountFormat,
		picksParse: picksParse,
		sealedText: sealedText,
		sealedAad: sealedAad,
		canonicalText: canonicalText,
		keyFileBuild: keyFileBuild,
		keyFileParse: keyFileParse,
		keyFileOpen: keyFileOpen,
		signingKeyImport: signingKeyImport,
		sealEnvelope: sealEnvelope,
		bidBuild: bidBuild,
		keyPairNew: keyPairNew
	});

	if (typeof document !== 'undefined') {
		if (document.readyState === 'loading')
			document.addEventListener('DOMContentLoaded', init);
		else
			init();
	}
}(typeof globalThis !== 'undefined' ? globalThis : this));
