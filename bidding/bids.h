/*
 * bids: the handlers of electronic bidding (certificates, bids, receipts,
 * opening, review, contracts, sanctions). The rules live in Kore-free
 * files: bidfmt.c (formats), ca.c (certificates), opening.c (the opening),
 * prices.c (the price rules).
 */
#ifndef G2B_BIDS_H
#define G2B_BIDS_H

#include "web.h"

/* Load or create the CA and the receipt key (parent, before workers). */
void	bids_init(const char *root);

/*
 * The notice page's bidding part: the caller's own bid, the opening
 * result and the actions. Called by notices.c with the notice id in
 * ctx->s[0] and ctx->n[1..3] as set by the detail query; renders.
 */
int	bids_detail(struct g2b_ctx *);
/* The notice page's file list, then the rest of the page. */
int	attachments_detail(struct g2b_ctx *);

/*
 * The receipt of the sealed-bid path, shared with the e-document exchange
 * so a bid posted as XML gets the browser's receipt. receipt_text: the
 * canonical receipt text of a stored bid. receipt_sign: sign it with the
 * portal's receipt key (DER into *der, kore_free it).
 */
int		 receipt_text(const char *no, const char *notice_no,
		    const char *ord, const char *bizno, const char *hash_hex,
		    const char *received, char *out, size_t outsz, size_t *len);
int		 receipt_sign(const char *text, size_t len, unsigned char **der,
		    size_t *derlen);

#endif
