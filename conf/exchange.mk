# The e-document exchange endpoints (issue 4, portal/exchange.c): API
# tokens, system certificates, inbound and outbound documents, the
# document box. Needs xsd/build.mk (edoc, libxml2, xmlsec1) first.
KORE_SRC	+= portal/exchange.c
KORE_SRC	+= portal/ocds.c
# UBL 2.3 ContractNotice taken as an inbound notice (portal/ubl.c, Kore-
# free, so linked into the unit tests too); exchange.c routes it.
include portal/ubl.mk
