# The e-document exchange endpoints (issue 4, portal/exchange.c): API
# tokens, system certificates, inbound and outbound documents, the
# document box. Needs xsd/build.mk (edoc, libxml2, xmlsec1) first.
KORE_SRC	+= portal/exchange.c
KORE_SRC	+= portal/ocds.c
