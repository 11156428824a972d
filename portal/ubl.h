/*
 * ubl: an OASIS UBL 2.3 ContractNotice (as the EU eForms use it) taken
 * as an inbound tender notice. Kore-free; libxml2 and portal/edoc.h.
 *
 * The portal keeps its own notice document (CallForTenders, xsd/notice.xsd,
 * namespace EDOC_NS). ubl_inbound maps a ContractNotice onto it: what
 * maps is copied, what does not is refused with a problem naming the UBL
 * element and its line; nothing is guessed. The mapped document is
 * checked with edoc_check (schema and rules) before it is handed back, so
 * the caller can route it exactly like a CallForTenders registration
 * (portal/exchange.c route_notice). The full UBL schema set is not used
 * (it is large and not available offline): every element read here is
 * checked for presence, cardinality and format instead, and everything
 * else is ignored (ext:UBLExtensions, where eForms keeps its own fields,
 * included).
 *
 * What maps (cac:/cbc: are the UBL aggregate/basic namespaces; "the lot"
 * is the one cac:ProcurementProjectLot if present, whose ProcurementProject,
 * TenderingProcess and TenderingTerms take precedence over the notice's):
 *   cbc:ID                      -> ID (the document identifier)
 *   cbc:IssueDate + IssueTime   -> IssueDateTime, and the start of the
 *                                  submission period (EU tenders may be
 *                                  submitted from publication)
 *   cbc:ContractFolderID        -> ContractFolderID (must be a portal
 *                                  notice number: 11 digits or
 *                                  G2B-YYYY-NNNNNN), NoticeOrder 0,
 *                                  Registration
 *   cac:ContractingParty/cac:Party: PartyIdentification/cbc:ID (7-digit
 *     agency code) -> AgencyCode, PartyName/cbc:Name -> Name,
 *     cac:Contact (cbc:Name, Telephone, ElectronicMail) -> Contact
 *   cac:ContractingParty/cac:ContractingPartyType/cbc:PartyTypeCode
 *     (eForms buyer-legal-type): cga, body-pl-cga -> preliminary price
 *     range 2 (national rules); ra, la, body-pl-ra, body-pl-la -> 3
 *     (local government rules); anything else is refused
 *   cac:ProcurementProject: cbc:Name -> Name; cbc:ProcurementTypeCode
 *     goods|supplies -> goods (물품), services (용역), works (공사);
 *     cac:RequestedTenderTotal/cbc:EstimatedOverallContractAmount
 *     (currencyID KRW, whole won) -> BaseAmount and, unless
 *     cbc:TotalAmount gives the budget, BudgetAmount;
 *     cac:MainCommodityClassification/cbc:ItemClassificationCode with
 *     listName unspsc (8 digits, the portal's category codes) ->
 *     ProcurementItem/CommodityCode; CPV and other lists are refused;
 *     cbc:EstimatedOverallContractQuantity (unitCode) -> Quantity, or
 *     1 식 (one lump, as KONEPS states services and works) for services
 *     and works; goods without a quantity are refused
 *   cac:TenderingProcess: cbc:ProcedureCode open -> open (일반경쟁),
 *     restricted -> restricted (제한경쟁), others refused;
 *     cac:TenderSubmissionDeadlinePeriod/cbc:EndDate + EndTime -> the
 *     bid close; cac:OpenTenderEvent/cbc:OccurrenceDate + OccurrenceTime
 *     -> OpeningDateTime
 *   cac:TenderingTerms/cac:AwardingTerms/cac:AwardingCriterion: every
 *     cbc:AwardingCriterionTypeCode (also in SubordinateAwardingCriterion)
 *     price -> lowest (최저가); quality or cost criteria are refused;
 *     qualification review (적격심사) needs an award floor rate UBL does
 *     not carry and is not mapped
 *   always: PriceDecisionCode multiple, PreliminaryPriceCount 15,
 *     PicksPerBidder 2, JointBidCode none (the portal's only terms).
 * Refused outright: more than one lot; a currency other than KRW;
 * Dates and times must carry their zone.
 *
 * Inbound (in the exchange's task, holding its edoc lock; error handling
 * shortened), after edoc_check answered EDOC_E_NAMESPACE:
 *
 *	struct ubl_result	*ur = malloc(sizeof(*ur));
 *	xmlDocPtr		 ubl = NULL, notice = NULL;
 *
 *	switch (ubl_inbound(body, len, ur, &ubl, &notice)) {
 *	case 1:	 not a ContractNotice: keep edoc_check's answer
 *	case 0:	 edoc_verify(ubl, cert, ...) (the sender signed the UBL
 *		 bytes: an enveloped signature, last child of the root),
 *		 then route the CallForTenders root of notice
 *	case -1: list ur->problems (code, line, message) in the answer;
 *		 ubl (if not NULL) can still be verified to list every
 *		 problem
 *	}
 *	xmlFreeDoc(ubl); xmlFreeDoc(notice);
 *
 * Needs edoc_init. Calls edoc_parse and edoc_check, so the edoc rules on
 * threads apply: one call at a time per process.
 */
#ifndef G2B_UBL_H
#define G2B_UBL_H

#include <stddef.h>

#include <libxml/tree.h>

#include "edoc.h"

#define UBL_CN_NS	"urn:oasis:names:specification:ubl:schema:xsd:" \
			    "ContractNotice-2"
#define UBL_CBC_NS	"urn:oasis:names:specification:ubl:schema:xsd:" \
			    "CommonBasicComponents-2"
#define UBL_CAC_NS	"urn:oasis:names:specification:ubl:schema:xsd:" \
			    "CommonAggregateComponents-2"
#define UBL_CODE_MAX	32

/*
 * One problem. code is stable and fits the error document's
 * Problem/Code: malformed, doctype, too-deep, encoding, too-large (the
 * safe parse), namespace (ContractNotice outside UBL_CN_NS), ubl-missing
 * (a required element is absent or empty), ubl-repeated (more than
 * allowed), ubl-format (a value of the wrong form), not-mapped (valid
 * UBL the portal cannot hold), internal (out of memory, or the mapped
 * notice failed the portal's own check: a bug). line is 1-based in the
 * received document, 0 if it has no place; message is English and names
 * the UBL element.
 */
struct ubl_problem {
	char	code[UBL_CODE_MAX];
	int	line;
	char	message[EDOC_MSG_MAX];
};

/* About 27 KB: allocate it. */
struct ubl_result {
	size_t			nproblems;
	size_t			truncated;	/* found, not listed */
	char			id[EDOC_ID_MAX + 1];	/* cbc:ID, or "" */
	struct ubl_problem	problems[EDOC_PROBLEMS_MAX];
};

/*
 * Parse len bytes at buf safely (edoc_parse) and, if the root element is
 * a ContractNotice, map it. Returns 1 (nothing else done, res empty,
 * both documents NULL) when the root element's local name is not
 * ContractNotice or the bytes are not well-formed XML (edoc_check
 * already said why); 0 when it mapped: *ublp gets the UBL tree, *noticep
 * a CallForTenders valid under xsd/notice.xsd and edoc's rules; -1 with
 * res listing every problem found, *noticep NULL and *ublp the UBL tree
 * (or NULL). res is emptied here. ublp may be NULL.
 */
int		ubl_inbound(const void *buf, size_t len, struct ubl_result *res,
		    xmlDocPtr *ublp, xmlDocPtr *noticep);

/*
 * The mapping alone, for a parsed document: 0 and *noticep, or -1 with
 * the problems (appended to res). ubl_inbound calls it.
 */
int		ubl_notice_map(xmlDocPtr ubl, struct ubl_result *res,
		    xmlDocPtr *noticep);

#endif
